package io.maskwatch.ingest.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.ingest.IngestSettings;
import io.maskwatch.ingest.camera.ffmpeg.FfmpegLog;
import io.maskwatch.ingest.frame.EncodedFrame;
import io.maskwatch.ingest.testing.TestImages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * The worker's own logic (reconnect, backoff, sequence, watchdog) with scripted sources; the real
 * FFmpeg sources are covered by the integration tests.
 */
class CameraWorkerTest {
    private static final CameraConfig CAMERA = new CameraConfig("door", "Door", "rtsp://u:secretpw@10.0.0.9/live",
            50, 320, 80, true, "tcp", false);
    private static final IngestSettings SETTINGS = IngestSettings.defaults().withReconnect(20, 100, 200);

    /** A live source: the first {@code failures} opens fail, then it delivers frames every 5 ms. */
    static class FlakySource implements FrameSource {
        private final AtomicInteger opens;
        private final int failures;
        private final Frame frame;

        FlakySource(AtomicInteger opens, int failures, Frame frame) {
            this.opens = opens;
            this.failures = failures;
            this.frame = frame;
        }

        @Override
        public void open() throws SourceException {
            if (opens.incrementAndGet() <= failures) {
                throw new SourceException("cannot open rtsp://***@10.0.0.9/live: Connection refused");
            }
        }

        @Override
        public Frame grab() throws SourceException {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return frame;
        }

        @Override
        public boolean live() {
            return true;
        }

        @Override
        public String describe() {
            return "640x360 test";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void reconnectsWithBackoffThenStreamsNumberedScaledFrames() throws Exception {
        try (Mat image = TestImages.discOnBlue(640, 360); OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
            Frame frame = conv.convert(image);
            AtomicInteger opens = new AtomicInteger();
            List<EncodedFrame> sent = new CopyOnWriteArrayList<>();
            CameraMetrics metrics = new CameraMetrics(new SimpleMeterRegistry(), CAMERA.id());
            CameraWorker worker = new CameraWorker(CAMERA, SETTINGS, (c, s) -> new FlakySource(opens, 3, frame),
                    sent::add, metrics, FfmpegLog.get());
            worker.start();
            try {
                await(() -> sent.size() >= 10, "frames after three failed opens");
            } finally {
                worker.stop();
                assertTrue(worker.awaitStop(5000));
            }
            assertEquals(3, metrics.reconnectCount());
            assertEquals(4, opens.get());
            for (int i = 0; i < 10; i++) {
                EncodedFrame f = sent.get(i);
                assertEquals(i, f.metadata().sequence());
                assertEquals("door", f.cameraId());
                assertEquals(320, f.metadata().width());
                assertEquals(180, f.metadata().height());
            }
            assertFalse(metrics.isUp(), "down after stop");
            assertFalse(worker.status().toString().contains("secretpw"));
        }
    }

    @Test
    void watchdogReplacesAThreadStuckInsideTheSourceButNeverPilesThemUp() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger opened = new AtomicInteger();
        FrameSource.Factory stuck = (c, s) -> new FlakySource(new AtomicInteger(), 0, null) {
            @Override
            public Frame grab() {
                opened.incrementAndGet();
                try {
                    release.await(); // e.g. FFmpeg reading a stream that never decodes
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }
        };
        CameraMetrics metrics = new CameraMetrics(new SimpleMeterRegistry(), CAMERA.id());
        CameraWorker worker = new CameraWorker(CAMERA, SETTINGS, stuck, f -> { }, metrics, FfmpegLog.get());
        worker.start();
        try {
            await(() -> opened.get() == 1, "first grab");
            long later = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            assertTrue(worker.checkStall(later), "stuck thread abandoned, a new one started");
            await(() -> opened.get() == 2, "second connection");
            assertFalse(worker.checkStall(later + TimeUnit.SECONDS.toNanos(60)),
                    "while the first one is still stuck, no third thread");
            assertTrue(worker.status().lastError().contains("does not decode"), worker.status().lastError());
            assertEquals(1, metrics.reconnectCount());
            assertFalse(metrics.isUp());
        } finally {
            release.countDown();
            worker.stop();
            assertTrue(worker.awaitStop(5000));
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
