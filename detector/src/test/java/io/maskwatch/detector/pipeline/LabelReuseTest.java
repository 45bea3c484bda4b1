package io.maskwatch.detector.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.Face;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.detector.face.DetectedFace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelReuseTest {
    private static final byte[] CROP = {1, 2, 3};

    private static DetectedFace det(double x, float score) {
        return new DetectedFace(new Box(x, 100, x + 60, 180), score, null);
    }

    private static Face classified(DetectedFace d, FaceLabel l, double p) {
        Map<String, Double> probs = l == FaceLabel.MASK ? Map.of("mask", p, "no_mask", 1 - p) : Map.of("no_mask", p, "mask", 1 - p);
        return new Face(d.box(), d.score(), l, Face.jointConfidence(d.score(), p), probs, CROP, null);
    }

    /** Runs one frame: classifies (with label l, probability p) what the reuse does not cover. */
    private static List<Face> frame(LabelReuse r, String cam, List<DetectedFace> ds, FaceLabel l, double p) {
        List<LabelReuse.Track> m = r.match(cam, ds);
        List<Face> out = new ArrayList<>();
        for (int i = 0; i < ds.size(); i++) {
            out.add(m.get(i) == null ? classified(ds.get(i), l, p) : LabelReuse.reuse(m.get(i), ds.get(i)));
        }
        r.remember(cam, out, m);
        return out;
    }

    @Test
    void aStillFaceKeepsItsLabelForEveryMinusOneFramesThenIsClassifiedAgain() {
        LabelReuse r = new LabelReuse(4, 0.5, 0.7);
        Face first = frame(r, "a", List.of(det(10, 0.95f)), FaceLabel.NO_MASK, 0.9).get(0);
        assertEquals(FaceLabel.NO_MASK, first.label());
        // The classifier would now say MASK; frames 2-4 keep no_mask, frame 5 is classified afresh.
        List<FaceLabel> labels = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            labels.add(frame(r, "a", List.of(det(12 + i, 0.9f)), FaceLabel.MASK, 0.99).get(0).label());
        }
        assertEquals(List.of(FaceLabel.NO_MASK, FaceLabel.NO_MASK, FaceLabel.NO_MASK, FaceLabel.MASK), labels);
        assertEquals(3, r.reusedCount());
        assertEquals(2, r.classifiedCount());
    }

    @Test
    void aReusedFaceHasTheNewBoxAndFaceScoreTheOldLabelProbabilitiesAndCrop() {
        LabelReuse r = new LabelReuse(4, 0.5, 0.7);
        frame(r, "a", List.of(det(10, 0.95f)), FaceLabel.NO_MASK, 0.9);
        Face f = frame(r, "a", List.of(det(14, 0.8f)), FaceLabel.MASK, 0.99).get(0);
        assertEquals(new Box(14, 100, 74, 180), f.box());
        assertEquals(0.8, f.faceScore(), 1e-6);
        assertEquals(FaceLabel.NO_MASK, f.label());
        assertEquals(0.9, f.probability(FaceLabel.NO_MASK), 1e-9);
        assertEquals(0.8 * 0.9, f.score(), 1e-6, "joint score: new face score x reused class probability");
        assertSame(CROP, f.cropJpeg());
    }

    @Test
    void unsureLabelsMovedBoxesOtherCamerasAndForgottenCamerasAreClassified() {
        LabelReuse r = new LabelReuse(4, 0.5, 0.7);
        frame(r, "unsure", List.of(det(10, 0.95f)), FaceLabel.NO_MASK, 0.6); // joint 0.57 < 0.7
        assertNull(r.match("unsure", List.of(det(10, 0.95f))).get(0));
        frame(r, "moved", List.of(det(10, 0.95f)), FaceLabel.NO_MASK, 0.9);
        assertNull(r.match("moved", List.of(det(50, 0.95f))).get(0), "IoU 10/110 < 0.5");
        assertNull(r.match("other", List.of(det(10, 0.95f))).get(0));
        assertNotNull(r.match("moved", List.of(det(12, 0.95f))).get(0));
        r.forget(List.of("moved"));
        assertNull(r.match("moved", List.of(det(12, 0.95f))).get(0), "a revoked camera starts empty");
    }

    @Test
    void eachRememberedFaceIsContinuedByOneFaceTheBestOverlapping() {
        LabelReuse r = new LabelReuse(4, 0.5, 0.7);
        frame(r, "a", List.of(det(10, 0.95f)), FaceLabel.NO_MASK, 0.9);
        List<LabelReuse.Track> m = r.match("a", List.of(det(20, 0.9f), det(11, 0.9f)));
        assertNull(m.get(0), "IoU 0.71, but the second face overlaps better (0.97)");
        assertNotNull(m.get(1));
    }

    @Test
    void offWhenEveryIsZeroOrOne() {
        for (int every : new int[] {0, 1}) {
            LabelReuse r = new LabelReuse(every, 0.5, 0.7);
            assertFalse(r.enabled());
            frame(r, "a", List.of(det(10, 0.95f)), FaceLabel.NO_MASK, 0.9);
            assertEquals(Arrays.asList((LabelReuse.Track) null), r.match("a", List.of(det(10, 0.95f))));
            assertEquals(0, r.cameras());
        }
        assertTrue(new LabelReuse(2, 0.5, 0.7).enabled());
    }

    /** A 60x80 face-sized patch: a vertical gradient, its lower half painted over (a "mask") when asked. */
    private static FaceThumbnail patch(boolean lowerPainted, int shift) {
        try (org.bytedeco.opencv.opencv_core.Mat m = new org.bytedeco.opencv.opencv_core.Mat(80, 60,
                org.bytedeco.opencv.global.opencv_core.CV_8UC1);
             org.bytedeco.javacpp.indexer.UByteIndexer ix = m.createIndexer()) {
            for (int y = 0; y < 80; y++) {
                for (int x = 0; x < 60; x++) {
                    ix.put(y, x, lowerPainted && y >= 40 ? 10 : Math.min(255, 40 + 2 * y + x + shift));
                }
            }
            return FaceThumbnail.of(m, new Box(0, 0, 60, 80));
        }
    }

    @Test
    void aFaceThatLooksDifferentFromWhenItWasClassifiedIsClassifiedAgain() {
        LabelReuse r = new LabelReuse(4, 0.5, 0.7, 0.35);
        assertTrue(r.checksAppearance());
        FaceThumbnail bare = patch(false, 0);
        List<DetectedFace> d = List.of(det(10, 0.95f));
        r.remember("a", List.of(classified(d.get(0), FaceLabel.NO_MASK, 0.9)), Arrays.asList((LabelReuse.Track) null), List.of(bare));
        // brighter by 20 grey levels: the same face (normalised), reused
        assertNotNull(r.match("a", List.of(det(12, 0.95f)), List.of(patch(false, 20))).get(0));
        // the lower half covered: classified again though the box stayed put
        assertTrue(bare.change(patch(true, 0)) > 0.35, "change " + bare.change(patch(true, 0)));
        assertNull(r.match("a", List.of(det(12, 0.95f)), List.of(patch(true, 0))).get(0));
        assertEquals(1, r.changedCount());
        // no thumbnail of the new face (box outside the frame): not reused either
        assertNull(r.match("a", List.of(det(12, 0.95f)), Arrays.asList((FaceThumbnail) null)).get(0));
    }
}
