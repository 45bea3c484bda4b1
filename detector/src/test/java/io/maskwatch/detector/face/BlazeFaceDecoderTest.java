package io.maskwatch.detector.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.contract.Box;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlazeFaceDecoderTest {
    private static final int S = 256;

    /** Raw tensors of one head with a single confident anchor. */
    private static float[][] head(int anchors, int hot, float dx, float dy, float w, float h, float logit) {
        float[] scores = new float[anchors];
        java.util.Arrays.fill(scores, -10f);
        float[] boxes = new float[anchors * 16];
        scores[hot] = logit;
        boxes[hot * 16] = dx;
        boxes[hot * 16 + 1] = dy;
        boxes[hot * 16 + 2] = w;
        boxes[hot * 16 + 3] = h;
        for (int k = 0; k < 6; k++) {
            boxes[hot * 16 + 4 + 2 * k] = k;
            boxes[hot * 16 + 5 + 2 * k] = -k;
        }
        return new float[][] {scores, boxes};
    }

    @Test
    void anchorLayoutFollowsTheOutputShapes() {
        assertArrayEquals(new int[] {16, 2}, BlazeFaceDecoder.gridOf(512));
        assertArrayEquals(new int[] {8, 6}, BlazeFaceDecoder.gridOf(384));
        assertThrows(IllegalArgumentException.class, () -> BlazeFaceDecoder.gridOf(896));
    }

    @Test
    void decodesBoxAroundItsAnchorCentre() {
        // 16x16 head, cell (x=3, y=5), second anchor: index (5*16+3)*2+1
        int idx = (5 * 16 + 3) * 2 + 1;
        float[][] t = head(512, idx, 4f, -8f, 32f, 40f, 3f);
        List<DetectedFace> faces = new BlazeFaceDecoder(S).decodeHead(t[0], t[1], 0.5);
        assertEquals(1, faces.size());
        DetectedFace f = faces.get(0);
        double cx = (3 + 0.5) / 16 + 4.0 / S, cy = (5 + 0.5) / 16 - 8.0 / S;
        assertEquals(cx - 16.0 / S, f.box().x1(), 1e-6);
        assertEquals(cy - 20.0 / S, f.box().y1(), 1e-6);
        assertEquals(cx + 16.0 / S, f.box().x2(), 1e-6);
        assertEquals(cy + 20.0 / S, f.box().y2(), 1e-6);
        assertEquals(1 / (1 + Math.exp(-3)), f.score(), 1e-6);
        // key point k = anchor + (k, -k)/S
        assertEquals((3 + 0.5) / 16 + 2.0 / S, f.landmarks()[4], 1e-6);
        assertEquals((5 + 0.5) / 16 - 2.0 / S, f.landmarks()[5], 1e-6);
    }

    @Test
    void secondHeadUsesSixAnchorsPerCellOnAnEightGrid() {
        int idx = (7 * 8 + 2) * 6 + 5; // cell (2, 7), last anchor
        float[][] t = head(384, idx, 0f, 0f, 64f, 64f, 5f);
        DetectedFace f = new BlazeFaceDecoder(S).decodeHead(t[0], t[1], 0.5).get(0);
        assertEquals((2 + 0.5) / 8, f.box().centerX(), 1e-6);
        assertEquals((7 + 0.5) / 8, f.box().centerY(), 1e-6);
    }

    @Test
    void thresholdIsAppliedToTheSigmoid() {
        float[][] t = head(512, 0, 0, 0, 10, 10, 0.0f); // sigmoid 0.5
        assertEquals(0, new BlazeFaceDecoder(S).decodeHead(t[0], t[1], 0.6).size());
        assertEquals(1, new BlazeFaceDecoder(S).decodeHead(t[0], t[1], 0.4).size());
    }

    @Test
    void rejectsMismatchedTensors() {
        assertThrows(IllegalArgumentException.class,
                () -> new BlazeFaceDecoder(S).decodeHead(new float[512], new float[512 * 15], 0.5));
    }

    @Test
    void mapsToFramePixelsThroughTheLetterboxWithTheConventionalBox() {
        Letterbox lb = Letterbox.fit(1280, 720, 256);
        // a face in model pixels x 100..150, y 100..150 (content starts at y=56)
        DetectedFace n = new DetectedFace(new Box(100 / 256.0, 100 / 256.0, 150 / 256.0, 150 / 256.0), 0.9f,
                new float[] {125 / 256f, 120 / 256f});
        DetectedFace f = BlazeFaceDecoder.toFrame(List.of(n), lb, 1280, 720).get(0);
        // raw frame box: x 500..750, y (100-56)*5=220 .. (150-56)*5=470; side 250
        assertEquals(500 + 0.025 * 250, f.box().x1(), 1e-6);
        assertEquals(750 - 0.025 * 250, f.box().x2(), 1e-6);
        assertEquals(220 - 0.23 * 250, f.box().y1(), 1e-6);
        assertEquals(470, f.box().y2(), 1e-6);
        assertEquals(625, f.landmarks()[0], 1e-3);
        assertEquals(320, f.landmarks()[1], 1e-3);
    }

    @Test
    void clampsBoxesToTheFrame() {
        Letterbox lb = Letterbox.fit(1280, 720, 256);
        DetectedFace n = new DetectedFace(new Box(-0.1, 0.0, 0.2, 0.3), 0.9f, null);
        DetectedFace f = BlazeFaceDecoder.toFrame(List.of(n), lb, 1280, 720).get(0);
        assertEquals(0, f.box().x1());
        assertEquals(0, f.box().y1());
        assertTrue(f.box().x2() <= 1280 && f.box().y2() <= 720);
    }
}
