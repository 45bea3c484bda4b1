package io.maskwatch.ingest.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.ingest.IngestSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/** Only frames the sampler may take are converted to BGR, and the same frames are sent as when all are. */
class CameraCaptureSamplingTest {
    /** A 25 fps file of {@code n} frames; counts the grabs that asked for the picture. */
    static final class FileSource implements FrameSource {
        final Frame frame;
        final int n;
        int served;
        int withImage;
        final boolean honourNoImage;

        FileSource(Frame frame, int n, boolean honourNoImage) {
            this.frame = frame;
            this.n = n;
            this.honourNoImage = honourNoImage;
        }

        @Override
        public void open() {
        }

        @Override
        public Frame grab() {
            return grab(true);
        }

        @Override
        public Frame grab(boolean image) {
            if (served == n) {
                return null;
            }
            if (image || !honourNoImage) {
                withImage++;
            }
            frame.timestamp = served++ * 40_000L; // microseconds, 25 fps
            return frame;
        }

        @Override
        public boolean live() {
            return false;
        }

        @Override
        public String describe() {
            return "test file";
        }

        @Override
        public void close() {
        }
    }

    private static List<Long> sentTimes(FileSource source) throws Exception {
        CameraConfig camera = new CameraConfig("door", "Door", "/videos/door.mp4", 2, 320, 80, true, "tcp", false);
        IngestSettings settings = IngestSettings.defaults().withFileRealtime(false);
        List<Long> sent = new ArrayList<>();
        // The capture stamps wall-clock capture times; the media time of each sent frame is read off the source.
        CameraCapture.Events events = CameraCapture.Events.NONE;
        FileSource spy = source;
        try (CameraCapture c = new CameraCapture(camera, settings, f -> sent.add(spy.frame.timestamp), new CameraMetrics(new SimpleMeterRegistry(), "door"), new SecretScrubber(camera.url()),
                new AtomicLong(), events)) {
            c.stream(source, () -> true);
        }
        return sent;
    }

    @Test
    void atTwoOfTwentyFiveFpsOnlyTheSampledFramesAndTheirNeighboursAreConverted() throws Exception {
        try (Mat m = new Mat(90, 160, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(40, 90, 200, 0));
             OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
            Frame frame = conv.convert(m);
            FileSource all = new FileSource(frame, 250, false); // 10 s
            FileSource lazy = new FileSource(frame, 250, true);
            List<Long> expected = sentTimes(all);
            List<Long> got = sentTimes(lazy);
            assertEquals(20, expected.size(), "2 fps over 10 s: " + expected);
            assertEquals(expected, got, "the same frames are sent");
            assertEquals(250, all.withImage);
            // the sampled frame and at most one before it, of every 12.5
            assertTrue(lazy.withImage <= 2 * expected.size() + 2, lazy.withImage + " of 250 frames converted");
        }
    }
}
