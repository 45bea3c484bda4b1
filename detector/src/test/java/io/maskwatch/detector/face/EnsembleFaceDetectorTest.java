package io.maskwatch.detector.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.maskwatch.common.contract.Box;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Weighted box fusion of two detectors' faces: mean score over members, score-weighted boxes. */
class EnsembleFaceDetectorTest {
    private static final float[] LM = {10, 10, 20, 10, 15, 15, 11, 20, 19, 20};

    @Test
    void aFaceBothFindIsTheWeightedMeanBoxWithTheMeanScore() {
        DetectedFace a = new DetectedFace(new Box(0, 0, 30, 30), 0.8f, LM);
        DetectedFace b = new DetectedFace(new Box(2, 2, 32, 32), 0.4f, null); // no landmarks (UltraFace)
        List<DetectedFace> out = EnsembleFaceDetector.fuse(List.of(List.of(a), List.of(b)), 0.3);
        assertEquals(1, out.size());
        DetectedFace f = out.get(0);
        assertEquals(0.6f, f.score(), 1e-6, "(0.8 + 0.4) / 2 members");
        // box: (0.8 x 0 + 0.4 x 2) / 1.2 = 0.667 and (0.8 x 30 + 0.4 x 32) / 1.2 = 30.667
        assertEquals(2.0 / 3, f.box().x1(), 1e-6);
        assertEquals(30 + 2.0 / 3, f.box().y2(), 1e-6);
        assertArrayEquals(LM, f.landmarks(), 1e-5f, "landmarks from the members that have them only");
    }

    @Test
    void aFaceOnlyOneMemberFindsNeedsTwiceTheThreshold() {
        DetectedFace lone = new DetectedFace(new Box(100, 100, 130, 130), 0.5f, null);
        assertEquals(List.of(), EnsembleFaceDetector.fuse(List.of(List.of(), List.of(lone)), 0.3), "0.5 / 2 < 0.3");
        List<DetectedFace> kept = EnsembleFaceDetector.fuse(List.of(List.of(), List.of(lone)), 0.2);
        assertEquals(1, kept.size());
        assertEquals(0.25f, kept.get(0).score(), 1e-6);
    }

    @Test
    void separateFacesStaySeparateAndTwoBoxesOfOneMemberCountOnce() {
        DetectedFace left = new DetectedFace(new Box(0, 0, 30, 30), 0.9f, null);
        DetectedFace leftAgain = new DetectedFace(new Box(1, 0, 31, 30), 0.7f, null);
        DetectedFace right = new DetectedFace(new Box(200, 0, 230, 30), 0.9f, null);
        List<DetectedFace> out = EnsembleFaceDetector.fuse(List.of(List.of(left, leftAgain, right), List.of(right)), 0.3);
        assertEquals(2, out.size());
        assertEquals(0.9f, out.get(0).score(), 1e-6, "right: both members at 0.9");
        assertEquals(200, out.get(0).box().x1(), 1e-6);
        assertEquals(0.45f, out.get(1).score(), 1e-6, "left: member 0's best (0.9) only, member 1 missed it");
    }
}
