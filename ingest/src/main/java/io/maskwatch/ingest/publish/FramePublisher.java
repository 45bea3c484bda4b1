package io.maskwatch.ingest.publish;

import io.maskwatch.ingest.camera.CameraMetrics;
import io.maskwatch.ingest.camera.DropReason;
import io.maskwatch.ingest.frame.EncodedFrame;
import io.maskwatch.ingest.frame.FrameSink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the cameras' frames to Kafka without ever letting Kafka slow a camera down.
 *
 * <p>Camera threads {@link #offer} frames into their own bounded {@link FrameQueue} and return at
 * once. One dispatcher thread takes frames round-robin across cameras (so a busy camera cannot starve
 * the others) and hands them to the producer, at most {@code maxInFlight} unacknowledged frames at a
 * time. When Kafka is slow or down, permits run out, queues fill, and each camera's oldest frame is
 * dropped and counted: memory stays bounded by queue capacity x cameras + in-flight frames (and the
 * producer's {@code buffer.memory}), whatever the outage's length.
 *
 * <p>Record: key camera id, value JPEG, timestamp capture time, headers {@code FrameMetadata}.
 */
public final class FramePublisher implements FrameSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FramePublisher.class);
    private static final long FAILURE_LOG_INTERVAL_NANOS = 30_000_000_000L;

    private record Slot(String cameraId, FrameQueue queue, CameraMetrics metrics) {
    }

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final int queueCapacity;
    private final int maxInFlight;
    private final Duration closeTimeout;
    private final Semaphore permits;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final List<Slot> order = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition hasFrames = lock.newCondition();
    private final AtomicLong inFlightBytes = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger inFlightFrames = new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicLong failuresSinceLog = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean running;
    private volatile long lastSuccessNanos;
    private volatile long lastFailureNanos;
    private volatile long lastFailureLogNanos;
    private volatile String lastFailure;
    private Thread dispatcher;
    private int next;

    /**
     * @param producer      owned: closed by {@link #close()}
     * @param queueCapacity frames per camera waiting to be sent
     * @param maxInFlight   frames handed to the producer and not yet acknowledged, all cameras together
     * @param closeTimeout  how long {@link #close()} waits for in-flight frames
     */
    public FramePublisher(Producer<String, byte[]> producer, String topic, int queueCapacity, int maxInFlight,
                          Duration closeTimeout) {
        this.producer = producer;
        this.topic = topic;
        this.queueCapacity = queueCapacity;
        this.maxInFlight = maxInFlight;
        this.closeTimeout = closeTimeout;
        this.permits = new Semaphore(maxInFlight);
    }

    /** Adds a camera; call before its first {@link #offer}. */
    public void register(String cameraId, CameraMetrics metrics) {
        Slot slot = new Slot(cameraId, new FrameQueue(queueCapacity), metrics);
        if (slots.putIfAbsent(cameraId, slot) == null) {
            order.add(slot);
        }
    }

    public synchronized void start() {
        if (dispatcher != null) {
            return;
        }
        running = true;
        dispatcher = new Thread(this::dispatch, "ingest-publisher");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    @Override
    public void offer(EncodedFrame frame) {
        Slot slot = slots.get(frame.cameraId());
        if (slot == null) {
            throw new IllegalStateException("camera " + frame.cameraId() + " is not registered");
        }
        if (!running) {
            slot.metrics().dropped(DropReason.SHUTDOWN);
            return;
        }
        if (slot.queue().offer(frame) != null) {
            slot.metrics().dropped(DropReason.QUEUE_FULL);
        }
        lock.lock();
        try {
            hasFrames.signal();
        } finally {
            lock.unlock();
        }
    }

    private void dispatch() {
        try {
            // fetch the topic's metadata while the cameras are still connecting, so first frames go out at once
            producer.partitionsFor(topic);
        } catch (RuntimeException e) {
            log.warn("Kafka: no metadata for topic {} yet ({}); frames are dropped (and counted) until it is reachable",
                    topic, e.getMessage());
        }
        while (running) {
            try {
                if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                Slot[] from = new Slot[1];
                EncodedFrame frame = nextFrame(from);
                if (frame == null) {
                    permits.release();
                    continue;
                }
                send(from[0], frame);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("frame dispatcher: unexpected error, continuing", e);
            }
        }
    }

    /** Round-robin over cameras; waits up to 100 ms when every queue is empty. */
    private EncodedFrame nextFrame(Slot[] from) throws InterruptedException {
        for (int attempt = 0; attempt < 2; attempt++) {
            int n = order.size();
            for (int i = 0; i < n; i++) {
                Slot slot = order.get((next + i) % n);
                EncodedFrame f = slot.queue().poll();
                if (f != null) {
                    next = (next + i + 1) % n;
                    from[0] = slot;
                    return f;
                }
            }
            if (attempt == 0) {
                lock.lock();
                try {
                    if (order.stream().allMatch(s -> s.queue().size() == 0) && running) {
                        hasFrames.await(100, TimeUnit.MILLISECONDS);
                    }
                } finally {
                    lock.unlock();
                }
            }
        }
        return null;
    }

    private void send(Slot slot, EncodedFrame frame) {
        int size = frame.jpeg().length;
        inFlightFrames.incrementAndGet();
        inFlightBytes.addAndGet(size);
        AtomicBoolean done = new AtomicBoolean();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, null,
                frame.metadata().captureTimestampMs(), frame.cameraId(), frame.jpeg());
        frame.metadata().writeTo(record.headers());
        try {
            producer.send(record, (md, e) -> complete(slot, frame, e, done));
        } catch (RuntimeException e) {
            complete(slot, frame, e, done);
        }
    }

    private void complete(Slot slot, EncodedFrame frame, Exception error, AtomicBoolean done) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        permits.release();
        inFlightFrames.decrementAndGet();
        inFlightBytes.addAndGet(-frame.jpeg().length);
        long now = System.nanoTime();
        if (error == null) {
            slot.metrics().sent(frame.jpeg().length, frame.grabNanos(), now);
            boolean recovered = lastFailureNanos != 0 && lastFailureNanos > lastSuccessNanos;
            lastSuccessNanos = now;
            if (recovered) {
                log.info("Kafka accepts frames again (topic {})", topic);
            }
            return;
        }
        slot.metrics().dropped(DropReason.SEND_FAILED);
        String message = error.getClass().getSimpleName() + ": " + error.getMessage();
        lastFailure = message;
        lastFailureNanos = now;
        long failed = failuresSinceLog.incrementAndGet();
        if (now - lastFailureLogNanos > FAILURE_LOG_INTERVAL_NANOS || lastFailureLogNanos == 0) {
            lastFailureLogNanos = now;
            failuresSinceLog.set(0);
            log.warn("Kafka did not take {} frame(s) for topic {} (dropped; newer frames keep coming): {}",
                    failed, topic, message);
        }
    }

    /** Frames waiting in queues plus frames handed to the producer and not yet acknowledged. */
    public int pendingFrames() {
        int queued = 0;
        for (Slot s : order) {
            queued += s.queue().size();
        }
        // Not the permits: the idle dispatcher holds one while it waits for the next frame.
        return queued + inFlightFrames.get();
    }

    /** JPEG bytes waiting in queues or in flight. */
    public long pendingBytes() {
        long b = inFlightBytes.get();
        for (Slot s : order) {
            b += s.queue().bytes();
        }
        return b;
    }

    public int queued(String cameraId) {
        Slot s = slots.get(cameraId);
        return s == null ? 0 : s.queue().size();
    }

    /** Null while Kafka takes frames (or none was sent yet), else what went wrong. */
    public String problem() {
        if (lastFailureNanos != 0 && lastFailureNanos > lastSuccessNanos) {
            return "Kafka is not accepting frames: " + lastFailure;
        }
        return null;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        lock.lock();
        try {
            hasFrames.signalAll();
        } finally {
            lock.unlock();
        }
        Thread d = dispatcher;
        if (d != null) {
            try {
                d.join(closeTimeout.toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Slot s : order) {
            while (s.queue().poll() != null) {
                s.metrics().dropped(DropReason.SHUTDOWN);
            }
        }
        try {
            producer.close(closeTimeout);
        } catch (RuntimeException e) {
            log.warn("closing the Kafka producer: {}", e.toString());
        }
    }
}
