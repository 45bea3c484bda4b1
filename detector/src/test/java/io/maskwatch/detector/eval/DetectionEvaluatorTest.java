package io.maskwatch.detector.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.detector.eval.DetectionEvaluator.Image;
import io.maskwatch.detector.eval.DetectionEvaluator.Prediction;
import io.maskwatch.detector.eval.DetectionEvaluator.Truth;
import io.maskwatch.detector.eval.VocDataset.VocImage;
import io.maskwatch.detector.eval.VocDataset.VocObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DetectionEvaluatorTest {
    private static Box box(double x) {
        return new Box(x, 0, x + 40, 40);
    }

    @Test
    void averagePrecisionByHand() {
        // ranked TP, FP, TP with 3 positives: recall 1/3 @ p 1, 2/3 @ p 2/3 -> AP = 1/3*1 + 1/3*2/3
        assertEquals(1.0 / 3 + 2.0 / 9, DetectionEvaluator.averagePrecision(List.of(true, false, true), 3), 1e-12);
        assertEquals(1.0, DetectionEvaluator.averagePrecision(List.of(true, true), 2), 1e-12);
        assertEquals(0.0, DetectionEvaluator.averagePrecision(List.of(false), 1), 1e-12);
    }

    @Test
    void averagePrecisionUsesThePrecisionEnvelope() {
        // Ranked F, T, T against 2 faces: (recall, precision) = (0, 0), (0.5, 1/2), (1, 2/3).
        // VOC2010+ all points: precision at each recall = max precision at that or higher recall, so
        // the envelope is 2/3 from recall 0 to 1: AP = 0.5 * 2/3 + 0.5 * 2/3 = 2/3.
        // Without the envelope (raw precision at each TP): 0.5 * 1/2 + 0.5 * 2/3 = 7/12.
        assertEquals(2.0 / 3, DetectionEvaluator.averagePrecision(List.of(false, true, true), 2), 1e-12);
    }

    @Test
    void perClassApRecallAndConfusion() {
        Image img = new Image(
                List.of(new Truth(box(0), FaceLabel.MASK), new Truth(box(100), FaceLabel.NO_MASK),
                        new Truth(box(200), FaceLabel.NO_MASK), new Truth(box(300), null)),
                List.of(Prediction.of(box(1), 0.9, FaceLabel.MASK, 0.9),        // TP mask
                        Prediction.of(box(101), 0.8, FaceLabel.MASK, 0.6),      // mask FP (it is no_mask)
                        Prediction.of(box(300), 0.9, FaceLabel.NO_MASK, 0.9),   // on an ignored face: nothing
                        Prediction.of(box(500), 0.3, FaceLabel.NO_MASK, 0.9))); // background FP
        DetectionEvaluator.Result r = new DetectionEvaluator(0.5, 0).evaluate(List.of(img));
        var mask = r.classes3().get(FaceLabel.MASK);
        assertEquals(1, mask.truths());
        assertEquals(1, mask.truePositives());
        assertEquals(1, mask.falsePositives());
        assertEquals(1.0, mask.ap(), 1e-9);
        var noMask = r.classes3().get(FaceLabel.NO_MASK);
        assertEquals(2, noMask.truths());
        assertEquals(0, noMask.truePositives());
        assertEquals(0.0, noMask.ap(), 1e-9);
        assertEquals(0, r.classes3().get(FaceLabel.INCORRECT).truths());
        assertEquals(0.5, r.map3(), 1e-9, "incorrect has no faces and is left out of the mean");
        assertEquals(0.5, r.map2(), 1e-9);
        assertEquals(3, r.scoredFaces());
        assertEquals(2, r.detectedFaces());
        assertEquals(1, r.faceFalsePositives());
        assertEquals(1, r.recallByTrueClass().get(FaceLabel.MASK).found());
        assertEquals(1, r.recallByTrueClass().get(FaceLabel.NO_MASK).found());
        assertEquals(2, r.recallByTrueClass().get(FaceLabel.NO_MASK).faces());
        assertEquals(0.5, r.accuracy3(), 1e-9);
        assertEquals(1, r.confusion()[FaceLabel.NO_MASK.ordinal()][FaceLabel.MASK.ordinal()], "a no_mask face called mask");
        assertEquals(1, r.ignoredTruths());
        assertEquals(0.8, r.faceScoreQuantile(0.5), 1e-9, "face scores of the two found true faces: 0.8, 0.9");
    }

    @Test
    void incorrectIsItsOwnClassIn3ClassViewAndNoMaskIn2ClassView() {
        Image img = new Image(List.of(new Truth(box(0), FaceLabel.INCORRECT), new Truth(box(100), FaceLabel.NO_MASK)),
                List.of(Prediction.of(box(0), 0.9, FaceLabel.NO_MASK, 0.8), Prediction.of(box(100), 0.9, FaceLabel.NO_MASK, 0.9)));
        DetectionEvaluator.Result r = new DetectionEvaluator(0.5, 0).evaluate(List.of(img));
        // 3-class: the 2-class model never says incorrect -> incorrect AP 0; its no_mask on the incorrect face is a FP.
        assertEquals(0.0, r.classes3().get(FaceLabel.INCORRECT).ap(), 1e-9);
        assertEquals(1, r.classes3().get(FaceLabel.NO_MASK).falsePositives());
        assertEquals(1.0, r.classes3().get(FaceLabel.NO_MASK).ap(), 1e-9, "the true no_mask face ranks first");
        assertEquals(0.5, r.map3(), 1e-9);
        // 2-class: both are unmasked faces, both found.
        assertEquals(2, r.classes2().get(FaceLabel.NO_MASK).truths());
        assertEquals(1.0, r.classes2().get(FaceLabel.NO_MASK).ap(), 1e-9);
        assertEquals(1.0, r.map2(), 1e-9);
        assertEquals(0.5, r.accuracy3(), 1e-9);
        assertEquals(1.0, r.accuracy2(), 1e-9);
        assertEquals(1, r.confusion()[FaceLabel.INCORRECT.ordinal()][FaceLabel.NO_MASK.ordinal()]);
    }

    @Test
    void threeClassPredictionCollapsesToUnmaskedByProbabilitySum() {
        // Predicted "mask" by a hair over incorrect, but no_mask + incorrect outweigh mask.
        Map<FaceLabel, Double> p = Map.of(FaceLabel.MASK, 0.40, FaceLabel.NO_MASK, 0.25, FaceLabel.INCORRECT, 0.35);
        Prediction pred = new Prediction(box(0), 0.5, FaceLabel.MASK, 0.2, p);
        assertEquals(FaceLabel.NO_MASK, pred.twoClass().label());
        assertEquals(0.5 * 0.60, pred.twoClass().score(), 1e-9);
        Image img = new Image(List.of(new Truth(box(0), FaceLabel.INCORRECT)), List.of(pred));
        DetectionEvaluator.Result r = new DetectionEvaluator(0.5, 0).evaluate(List.of(img));
        assertEquals(1.0, r.classes2().get(FaceLabel.NO_MASK).ap(), 1e-9);
        assertEquals(0.0, r.classes3().get(FaceLabel.INCORRECT).ap(), 1e-9);
    }

    @Test
    void apRanksByJointConfidence() {
        // Same class probability; the detection with the lower face score is the false one. Ranked by
        // P(face) x P(label) the TP comes first (AP 1); by the class probability alone it would tie.
        Image img = new Image(List.of(new Truth(box(0), FaceLabel.NO_MASK)),
                List.of(Prediction.of(box(500), 0.3, FaceLabel.NO_MASK, 0.99), Prediction.of(box(0), 0.9, FaceLabel.NO_MASK, 0.95)));
        assertEquals(1.0, new DetectionEvaluator(0.5, 0).evaluate(List.of(img)).classes3().get(FaceLabel.NO_MASK).ap(), 1e-9);
    }

    @Test
    void minimumSizeIgnoresSmallFacesAndSmallUnmatchedDetections() {
        Image img = new Image(List.of(new Truth(new Box(0, 0, 20, 20), FaceLabel.NO_MASK), new Truth(box(100), FaceLabel.MASK)),
                List.of(Prediction.of(new Box(0, 0, 20, 20), 0.9, FaceLabel.NO_MASK, 1),
                        Prediction.of(new Box(300, 0, 310, 10), 0.9, FaceLabel.MASK, 1),
                        Prediction.of(box(100), 0.5, FaceLabel.MASK, 1)));
        DetectionEvaluator.Result r = new DetectionEvaluator(0.5, 32).evaluate(List.of(img));
        assertEquals(1, r.scoredFaces());
        assertEquals(0, r.classes3().get(FaceLabel.MASK).falsePositives());
        assertEquals(1.0, r.map3(), 1e-9, "no_mask has no scored face and is left out of the mean");
        // The size table covers every labelled face, also those below --min-size.
        assertEquals(1, r.recallBySize().get("<32").faces());
        assertEquals(1, r.recallBySize().get("<32").found());
        assertEquals(1, r.recallBySize().get("32-64").found());
        assertEquals(0, r.recallBySize().get(">=64").faces());
    }

    @Test
    void sizeBucketsByWidth() {
        assertEquals(0, DetectionEvaluator.sizeBucket(31.9));
        assertEquals(1, DetectionEvaluator.sizeBucket(32));
        assertEquals(1, DetectionEvaluator.sizeBucket(63.9));
        assertEquals(2, DetectionEvaluator.sizeBucket(64));
    }

    @Test
    void vocNamesMapToLabels() {
        VocLabels l = VocLabels.standard();
        assertEquals(FaceLabel.MASK, l.label("with_mask").orElseThrow());
        assertEquals(FaceLabel.MASK, l.label("Face Mask").orElseThrow());
        assertEquals(FaceLabel.NO_MASK, l.label("without_mask").orElseThrow());
        assertEquals(FaceLabel.INCORRECT, l.label("with_incorrect_mask").orElseThrow());
        assertEquals(FaceLabel.INCORRECT, l.label("mask_weared_incorrect").orElseThrow());
        assertFalse(l.known("person"));
        VocLabels mapped = VocLabels.withMapping("person=ignore, hood = no_mask");
        assertTrue(mapped.known("person"));
        assertTrue(mapped.label("person").isEmpty());
        assertEquals(FaceLabel.NO_MASK, mapped.label("Hood").orElseThrow());
        var bad = assertThrows(IllegalArgumentException.class, () -> VocLabels.withMapping("person=human"));
        assertTrue(bad.getMessage().contains("person=human"), bad.getMessage());
    }

    @Test
    void unknownNamesFailListingNameAndFile() throws Exception {
        VocImage vi = new VocImage(Path.of("images/a.jpg"), Path.of("annotations/a.xml"), 100, 100,
                List.of(new VocObject("with_mask", box(0), false), new VocObject("helmet", box(50), false),
                        new VocObject("helmet", box(60), true)));
        var e = assertThrows(VocLabels.UnknownNamesException.class, () -> VocLabels.standard().requireKnown(List.of(vi)));
        assertTrue(e.getMessage().contains("'helmet' (2 objects, first in annotations/a.xml)"), e.getMessage());
        assertTrue(e.getMessage().contains("--map"), e.getMessage());
        VocLabels.withMapping("helmet=ignore").requireKnown(List.of(vi)); // no exception
    }
}
