package io.maskwatch.ingest.camera;

import org.bytedeco.javacv.Frame;

/** One connection to a camera: open, grab decoded frames, close. Used by one thread at a time. */
public interface FrameSource extends AutoCloseable {
    /** Connects and reads the stream's parameters; fails with a message that names no secret. */
    void open() throws SourceException;

    /**
     * The next decoded video frame (BGR), valid until the next call; null when the stream ended or
     * nothing arrived within the stall timeout.
     */
    Frame grab() throws SourceException;

    /**
     * As {@link #grab()}; with {@code image} false the caller will not look at the picture (the sampler
     * will not take this frame), so a source may skip converting it to BGR and leave the frame's image
     * stale. Timestamp and end-of-stream behave as in {@link #grab()}.
     */
    default Frame grab(boolean image) throws SourceException {
        return grab();
    }

    /** Live sources are timed by arrival; files by their timestamps. */
    boolean live();

    /** For logs: size, codec and rate once open, e.g. "1280x720 h264 25.0 fps". */
    String describe();

    @Override
    void close();

    /** Creates the source of a camera; the service uses FFmpeg, tests may plug in others. */
    @FunctionalInterface
    interface Factory {
        FrameSource create(io.maskwatch.common.config.CameraConfig camera, SecretScrubber scrubber);
    }
}
