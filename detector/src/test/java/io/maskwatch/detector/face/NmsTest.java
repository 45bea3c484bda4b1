package io.maskwatch.detector.face;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.maskwatch.common.contract.Box;
import java.util.List;
import org.junit.jupiter.api.Test;

class NmsTest {
    private static DetectedFace f(double x1, double y1, double x2, double y2, float s) {
        return new DetectedFace(new Box(x1, y1, x2, y2), s, new float[] {(float) x1, (float) y1});
    }

    @Test
    void weightedNmsBlendsAClusterIntoItsScoreWeightedMean() {
        List<DetectedFace> out = Nms.weighted(List.of(f(0, 0, 10, 10, 0.9f), f(2, 0, 12, 10, 0.3f),
                f(100, 100, 110, 110, 0.5f)), 0.3);
        assertEquals(2, out.size());
        DetectedFace blended = out.get(0);
        assertEquals(0.9f, blended.score());
        assertEquals((0 * 0.9 + 2 * 0.3) / 1.2, blended.box().x1(), 1e-6);
        assertEquals((10 * 0.9 + 12 * 0.3) / 1.2, blended.box().x2(), 1e-6);
        assertEquals((0 * 0.9 + 2 * 0.3) / 1.2, blended.landmarks()[0], 1e-5);
        assertEquals(100, out.get(1).box().x1(), 1e-9);
    }

    @Test
    void hardNmsKeepsTheBestOfOverlappingBoxes() {
        List<DetectedFace> out = Nms.hard(List.of(f(2, 0, 12, 10, 0.3f), f(0, 0, 10, 10, 0.9f),
                f(20, 0, 30, 10, 0.4f)), 0.5);
        assertEquals(2, out.size());
        assertEquals(0.9f, out.get(0).score());
        assertEquals(0.4f, out.get(1).score());
    }
}
