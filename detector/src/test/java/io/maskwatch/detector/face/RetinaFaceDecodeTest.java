package io.maskwatch.detector.face;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RetinaFace prior boxes and box coding, without a network. */
class RetinaFaceDecodeTest {
    @Test
    void priorsMatchTheExportsAnchorCountAndLayout() {
        float[] p = RetinaFaceDetector.priors(640, 640);
        assertEquals(16800 * 4, p.length, "80x80x2 + 40x40x2 + 20x20x2 priors");
        // first prior: cell (0,0) of stride 8, min size 16; second: same cell, min size 32
        assertEquals(4f / 640, p[0], 1e-6);
        assertEquals(16f / 640, p[2], 1e-6);
        assertEquals(32f / 640, p[6], 1e-6);
        // first prior of the stride-32 level (after 12800 + 3200 priors): centre 16 px, size 256
        int o = (12800 + 3200) * 4;
        assertEquals(16f / 640, p[o], 1e-6);
        assertEquals(256f / 640, p[o + 2], 1e-6);
    }

    @Test
    void zeroOffsetsGiveThePriorAndOffsetsMoveAndScaleIt() {
        float[] priors = {0.5f, 0.5f, 0.1f, 0.1f, 0.25f, 0.25f, 0.1f, 0.1f};
        float[] loc = {0, 0, 0, 0, 1, -1, (float) (Math.log(2) / 0.2), 0};
        float[] conf = {0.1f, 0.9f, 0.2f, 0.8f};
        float[] lms = new float[20];
        // 1000 frame pixels per input unit (a 1000x1000 frame in a 640 input)
        List<DetectedFace> faces = RetinaFaceDetector.decode(loc, conf, lms, priors, 0.5, 1000, 1000, 1000, 1000);
        assertEquals(2, faces.size());
        var a = faces.get(0).box();
        assertEquals(450, a.x1(), 1e-3);
        assertEquals(550, a.y2(), 1e-3);
        var b = faces.get(1).box();
        // centre moves by 0.1 x prior size; width doubles
        assertEquals(260, b.centerX(), 1e-3);
        assertEquals(240, b.centerY(), 1e-3);
        assertEquals(200, b.width(), 1e-3);
        assertEquals(100, b.height(), 1e-3);
        assertEquals(500, faces.get(0).landmarks()[0], 1e-3, "zero landmark offsets sit at the prior centre");
    }

    @Test
    void lowScoresAreDroppedAndOverlapsSuppressed() {
        float[] priors = {0.5f, 0.5f, 0.1f, 0.1f, 0.51f, 0.5f, 0.1f, 0.1f, 0.2f, 0.2f, 0.1f, 0.1f};
        float[] loc = new float[12];
        float[] conf = {0.1f, 0.9f, 0.2f, 0.8f, 0.7f, 0.3f};
        List<DetectedFace> faces = RetinaFaceDetector.decode(loc, conf, new float[30], priors, 0.5, 100, 100, 100, 100);
        assertEquals(1, faces.size(), "the second overlaps the first, the third is below the threshold");
        assertEquals(0.9f, faces.get(0).score());
    }
}
