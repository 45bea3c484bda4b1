package io.maskwatch.ingest.camera;

import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.ingest.IngestSettings;
import io.maskwatch.ingest.camera.ffmpeg.FfmpegLog;
import io.maskwatch.ingest.frame.FrameSink;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervises one camera on its own thread (Frigate's camera watchdog): opens a {@link FrameSource}
 * through the factory, lets {@link CameraCapture} stream from it, and when the stream fails, ends or
 * falls silent reopens it with capped exponential backoff and jitter; nothing here can stop another
 * camera. Keeps the camera's state, last error and frame sequence for /cameras and logs.
 *
 * <p>A stream that stops sending makes FFmpeg's I/O timeout end {@code grab()}. Should a native call
 * hang regardless, {@link #checkStall} (called by the service's watchdog) abandons that thread and
 * starts a fresh one; the stuck thread exits when the call returns.
 */
public final class CameraWorker implements FfmpegLog.CameraContext {
    private static final Logger log = LoggerFactory.getLogger(CameraWorker.class);

    /** What the camera is doing, for /cameras and logs. */
    public enum State { STARTING, CONNECTING, STREAMING, RETRYING, FINISHED, STOPPED }

    /** A snapshot for the /cameras endpoint; {@code url} is redacted. */
    public record Status(String id, String name, String url, String state, boolean up, long sequence,
                         String lastError, long grabbed, long sent, long decodeErrors, long reconnects) {
    }

    private final CameraConfig camera;
    private final IngestSettings settings;
    private final FrameSource.Factory sources;
    private final FrameSink sink;
    private final CameraMetrics metrics;
    private final SecretScrubber scrubber;
    private final FfmpegLog ffmpegLog;
    private final Backoff backoff;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger generation = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final long abandonAfterNanos;
    private volatile boolean running;
    private volatile State state = State.STARTING;
    private volatile String lastError;
    private volatile long lastProgressNanos;
    private volatile Thread thread;
    private Thread abandoned;
    private String lastLoggedError;
    private boolean announced;
    private int sameErrorCount;

    /** Progress and state reports from the capture thread. */
    private final CameraCapture.Events events = new CameraCapture.Events() {
        @Override
        public void connecting(long nowNanos) {
            state = State.CONNECTING;
            lastProgressNanos = nowNanos;
        }

        @Override
        public void progress(long nowNanos) {
            lastProgressNanos = nowNanos;
        }

        @Override
        public void streaming(FrameSource source) {
            onStreaming(source);
        }
    };

    public CameraWorker(CameraConfig camera, IngestSettings settings, FrameSource.Factory sources, FrameSink sink,
                        CameraMetrics metrics, FfmpegLog ffmpegLog) {
        this.camera = camera;
        this.settings = settings;
        this.sources = sources;
        this.sink = sink;
        this.metrics = metrics;
        this.ffmpegLog = ffmpegLog;
        this.scrubber = new SecretScrubber(camera.url());
        this.backoff = new Backoff(settings.reconnectInitialBackoffMs(), settings.reconnectMaxBackoffMs(),
                () -> ThreadLocalRandom.current().nextDouble());
        // FFmpeg's own timeout should fire after stall-timeout; give it twice that plus slack before giving up
        this.abandonAfterNanos = TimeUnit.MILLISECONDS.toNanos(2 * settings.stallTimeoutMs() + 5000);
    }

    public synchronized void start() {
        if (running || stopped.getCount() == 0) {
            return;
        }
        running = true;
        ffmpegLog.register(scrubber);
        spawn(generation.get());
    }

    private void spawn(int gen) {
        lastProgressNanos = System.nanoTime();
        Thread t = new Thread(() -> run(gen), "ingest-" + camera.id() + (gen == 0 ? "" : "-" + gen));
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private boolean current(int gen) {
        return running && generation.get() == gen;
    }

    private void run(int gen) {
        ffmpegLog.bind(this);
        BooleanSupplier current = () -> current(gen);
        try (CameraCapture capture = new CameraCapture(camera, settings, sink, metrics, scrubber, sequence, events)) {
            boolean failedBefore = false;
            while (current(gen)) {
                if (failedBefore) {
                    metrics.reconnect();
                }
                CameraCapture.Outcome outcome;
                FrameSource source = null;
                try {
                    source = sources.create(camera, scrubber);
                    outcome = capture.stream(source, current);
                } catch (SourceException e) {
                    outcome = CameraCapture.Outcome.failed(e.getMessage());
                } catch (RuntimeException | LinkageError e) {
                    // no stack trace: exception texts from native libraries may carry the raw URL
                    outcome = CameraCapture.Outcome.failed("unexpected error: " + scrubber.scrub(e.toString()));
                } finally {
                    if (source != null) {
                        source.close();
                    }
                }
                if (!current(gen) || outcome.ending() == CameraCapture.Ending.STOPPED) {
                    break;
                }
                if (outcome.ending() == CameraCapture.Ending.FINISHED) {
                    state = State.FINISHED;
                    metrics.up(false);
                    log.info("camera {}: end of file {} after {} frames (set loop: true to repeat it)", camera.id(),
                            scrubber.redactedUrl(), outcome.frames());
                    return;
                }
                if (outcome.ending() == CameraCapture.Ending.REOPEN) {
                    failedBefore = false;
                    continue; // looping file: reopen at once
                }
                failedBefore = true;
                metrics.up(false);
                state = State.RETRYING;
                lastError = outcome.failure();
                long delay = backoff.nextDelayMs();
                logFailure(outcome.failure(), delay);
                if (stopped.await(delay, TimeUnit.MILLISECONDS)) {
                    break;
                }
                lastProgressNanos = System.nanoTime();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (generation.get() == gen) {
                metrics.up(false);
            }
            ffmpegLog.unbind();
        }
    }

    private void onStreaming(FrameSource source) {
        boolean recovered = state == State.CONNECTING && backoff.failures() > 0;
        state = State.STREAMING;
        metrics.up(true);
        if (recovered) {
            log.info("camera {}: streaming again ({}) after {} failed attempt(s)", camera.id(), source.describe(),
                    backoff.failures());
        } else if (!announced) {
            log.info("camera {}: streaming {} ({}) at {} fps", camera.id(), scrubber.redactedUrl(),
                    source.describe(), camera.fps());
        }
        announced = true;
        backoff.reset();
        lastLoggedError = null;
        sameErrorCount = 0;
        lastError = null;
    }

    /** Logs the first failure in full; repeats of the same failure only on attempts 2, 4, 8, ... */
    private void logFailure(String failure, long delayMs) {
        if (failure.equals(lastLoggedError)) {
            sameErrorCount++;
        } else {
            lastLoggedError = failure;
            sameErrorCount = 1;
        }
        String msg = "camera {}: {}; retrying in {} ms (attempt {})";
        if ((sameErrorCount & (sameErrorCount - 1)) == 0) {
            log.warn(msg, camera.id(), failure, delayMs, backoff.failures());
        } else {
            log.debug(msg, camera.id(), failure, delayMs, backoff.failures());
        }
    }

    /**
     * Watchdog: if the camera thread has been inside one FFmpeg call far longer than FFmpeg's own timeout
     * allows (typically a stream that keeps sending data that never decodes), mark the camera down and
     * start a fresh thread. At most one abandoned thread per camera is left behind: while it is still
     * stuck, the camera just stays down. Returns true when a new thread was started.
     */
    public boolean checkStall(long nowNanos) {
        State s = state;
        if (!running || (s != State.CONNECTING && s != State.STREAMING)) {
            return false;
        }
        long idle = nowNanos - lastProgressNanos;
        if (idle < abandonAfterNanos) {
            return false;
        }
        synchronized (this) {
            if (!running || nowNanos - lastProgressNanos < abandonAfterNanos) {
                return false;
            }
            metrics.up(false);
            String why = (s == State.CONNECTING ? "still opening the stream after " : "no frame decoded for ")
                    + TimeUnit.NANOSECONDS.toSeconds(idle) + " s although FFmpeg's I/O timeout did not fire: "
                    + "data arrives but does not decode (corrupt stream, or not a video stream)";
            if (abandoned != null && abandoned.isAlive()) {
                if (!why.equals(lastError)) {
                    lastError = why;
                    log.warn("camera {}: {}; an earlier connection is still stuck, so no new one is opened", 
                            camera.id(), why);
                }
                lastProgressNanos = nowNanos; // report again after another period
                return false;
            }
            abandoned = thread;
            int gen = generation.incrementAndGet();
            metrics.reconnect();
            state = State.RETRYING;
            lastError = why;
            log.warn("camera {}: {}; abandoning that connection and opening a new one", camera.id(), why);
            spawn(gen);
            return true;
        }
    }

    /** Signals the thread to stop (returns at once). */
    public void stop() {
        running = false;
        stopped.countDown();
    }

    /** Waits for the thread to finish; a thread stuck in native code is left behind (it is a daemon). */
    public boolean awaitStop(long timeoutMs) {
        Thread t = thread;
        if (t != null) {
            try {
                t.join(timeoutMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        state = State.STOPPED;
        metrics.up(false);
        ffmpegLog.unregister(scrubber);
        return t == null || !t.isAlive();
    }

    public Status status() {
        return new Status(camera.id(), camera.displayName(), scrubber.redactedUrl(), state.name().toLowerCase(java.util.Locale.ROOT),
                metrics.isUp(), sequence.get(), lastError, metrics.grabbedCount(), metrics.sentCount(),
                metrics.decodeErrorCount(), metrics.reconnectCount());
    }

    public State state() {
        return state;
    }

    public CameraMetrics metrics() {
        return metrics;
    }

    // FfmpegLog.CameraContext

    @Override
    public String cameraId() {
        return camera.id();
    }

    @Override
    public SecretScrubber scrubber() {
        return scrubber;
    }

    @Override
    public void decodeError(String line) {
        metrics.decodeError();
    }
}
