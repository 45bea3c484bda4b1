package io.maskwatch.ingest.motion;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.ingest.IngestSettings;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class MotionGateTest {
    private static final long S = 1_000_000_000L;

    /** A grey room with a person-sized block at x. */
    static Mat scene(int personX, double noise) {
        Mat m = new Mat(360, 640, CV_8UC3, new Scalar(90, 90, 90, 0));
        rectangle(m, new Point(personX, 100), new Point(personX + 60, 300), new Scalar(25, 30, 35, 0), -1, 8, 0); // dark clothes on a grey wall
        if (noise > 0) {
            java.util.Random r = new java.util.Random(personX);
            var idx = m.createIndexer();
            org.bytedeco.javacpp.indexer.UByteIndexer u = (org.bytedeco.javacpp.indexer.UByteIndexer) idx;
            for (int y = 0; y < 360; y++) {
                for (int x = 0; x < 640; x++) {
                    int v = u.get(y, x, 0) + (int) (r.nextGaussian() * noise);
                    u.put(y, x, 0, Math.max(0, Math.min(255, v)));
                }
            }
            idx.close();
        }
        return m;
    }

    @Test
    void staticSceneIsSkippedMovementIsSentAndHeartbeatsGoOut() {
        IngestSettings.Motion settings = new IngestSettings.Motion(true, 25, 0.003, 10, 160);
        try (MotionGate gate = new MotionGate(settings)) {
            assertTrue(gate.shouldSend(scene(100, 4), 0), "first frame is always sent");
            assertFalse(gate.shouldSend(scene(100, 4), 1 * S), "same scene with sensor noise: no motion");
            assertFalse(gate.shouldSend(scene(100, 4), 2 * S));
            assertTrue(gate.shouldSend(scene(140, 4), 3 * S), "the person moved 40 px");
            assertTrue(gate.lastChangedRatio() > 0.003);
            assertFalse(gate.shouldSend(scene(140, 4), 5 * S));
            assertTrue(gate.shouldSend(scene(140, 4), (long) (13.5 * S)),
                    "heartbeat after 10 s without motion");
        }
    }

    @Test
    void slowDriftAccumulatesAgainstTheLastSentFrame() {
        IngestSettings.Motion settings = new IngestSettings.Motion(true, 25, 0.01, 60, 160);
        try (MotionGate gate = new MotionGate(settings)) {
            assertTrue(gate.shouldSend(scene(100, 0), 0));
            boolean sent = false;
            for (int x = 101; x <= 130 && !sent; x++) {
                sent = gate.shouldSend(scene(x, 0), x * S);
            }
            assertTrue(sent, "small steps add up because the reference is the last frame sent");
        }
    }
}
