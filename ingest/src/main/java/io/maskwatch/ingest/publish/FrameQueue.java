package io.maskwatch.ingest.publish;

import io.maskwatch.ingest.frame.EncodedFrame;
import java.util.ArrayDeque;

/**
 * A camera's frames waiting for Kafka, bounded: when full, the oldest frame is evicted, because for
 * live video the newest frame is the valuable one. Thread-safe.
 */
public final class FrameQueue {
    private final int capacity;
    private final ArrayDeque<EncodedFrame> frames;
    private long bytes;

    public FrameQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.frames = new ArrayDeque<>(capacity);
    }

    /** Adds a frame; returns the evicted oldest frame when the queue was full, else null. */
    public synchronized EncodedFrame offer(EncodedFrame frame) {
        EncodedFrame evicted = null;
        if (frames.size() >= capacity) {
            evicted = frames.pollFirst();
            bytes -= evicted.jpeg().length;
        }
        frames.addLast(frame);
        bytes += frame.jpeg().length;
        return evicted;
    }

    /** The oldest waiting frame, or null. */
    public synchronized EncodedFrame poll() {
        EncodedFrame f = frames.pollFirst();
        if (f != null) {
            bytes -= f.jpeg().length;
        }
        return f;
    }

    public synchronized int size() {
        return frames.size();
    }

    public synchronized long bytes() {
        return bytes;
    }

    public int capacity() {
        return capacity;
    }
}
