package io.maskwatch.detector.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.maskwatch.common.contract.Box;
import org.junit.jupiter.api.Test;

/** A face found on the mirrored frame maps back with its left and right landmarks swapped. */
class FlipTtaTest {
    @Test
    void unmirrorsBoxAndSwapsLandmarkSides() {
        // In a 100 px wide mirrored frame: eyes at x 20 (image left) and 40, nose 30, mouth 22 and 38.
        float[] lm = {20, 10, 40, 10, 30, 20, 22, 30, 38, 30};
        DetectedFace f = FlipTta.unmirror(new DetectedFace(new Box(10, 5, 50, 45), 0.9f, lm), 100);
        assertEquals(50, f.box().x1(), 1e-9);
        assertEquals(90, f.box().x2(), 1e-9);
        assertEquals(5, f.box().y1(), 1e-9);
        // left eye (first) is now the one at 100 - 40 = 60, still left of the right eye at 80
        assertArrayEquals(new float[] {60, 10, 80, 10, 70, 20, 62, 30, 78, 30}, f.landmarks(), 1e-6f);
    }
}
