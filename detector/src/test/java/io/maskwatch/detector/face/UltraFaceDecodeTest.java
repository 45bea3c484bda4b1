package io.maskwatch.detector.face;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** UltraFace post-processing: face score = face + masked_face, frame pixels, NMS. */
class UltraFaceDecodeTest {
    @Test
    void aMaskedFaceSplitBetweenTheTwoFaceClassesIsKept() {
        // scores: background, face, masked_face. The first is 0.45 face + 0.45 masked: a face at 0.9.
        float[] scores = {0.1f, 0.45f, 0.45f, 0.6f, 0.2f, 0.2f};
        float[] boxes = {0.1f, 0.2f, 0.3f, 0.5f, 0.6f, 0.6f, 0.8f, 0.9f};
        List<DetectedFace> faces = UltraFaceDetector.decode(boxes, scores, 0.5, 640, 480);
        assertEquals(1, faces.size(), "the second (0.4 face) is below 0.5");
        assertEquals(0.9f, faces.get(0).score(), 1e-6);
        assertEquals(64, faces.get(0).box().x1(), 1e-3);
        assertEquals(96, faces.get(0).box().y1(), 1e-3);
        assertEquals(192, faces.get(0).box().x2(), 1e-3);
        assertEquals(240, faces.get(0).box().y2(), 1e-3);
    }

    @Test
    void overlappingBoxesAreSuppressed() {
        float[] scores = {0.1f, 0.9f, 0f, 0.2f, 0.8f, 0f};
        float[] boxes = {0.1f, 0.1f, 0.3f, 0.3f, 0.11f, 0.1f, 0.31f, 0.3f};
        assertEquals(1, UltraFaceDetector.decode(boxes, scores, 0.5, 100, 100).size());
    }
}
