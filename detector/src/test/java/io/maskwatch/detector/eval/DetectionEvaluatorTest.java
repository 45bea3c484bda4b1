package io.maskwatch.detector.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.detector.eval.DetectionEvaluator.Image;
import io.maskwatch.detector.eval.DetectionEvaluator.Prediction;
import io.maskwatch.detector.eval.DetectionEvaluator.Truth;
import io.maskwatch.detector.eval.VocLabels.IncorrectPolicy;
import java.util.List;
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
    void perClassApRecallAndConfusion() {
        Image img = new Image(
                List.of(new Truth(box(0), FaceLabel.MASK), new Truth(box(100), FaceLabel.NO_MASK),
                        new Truth(box(200), FaceLabel.NO_MASK), new Truth(box(300), null)),
                List.of(new Prediction(box(1), 0.9, FaceLabel.MASK, 0.9),        // TP mask
                        new Prediction(box(101), 0.8, FaceLabel.MASK, 0.6),      // mask FP (it is no_mask)
                        new Prediction(box(300), 0.9, FaceLabel.NO_MASK, 0.9),   // on an ignored face: nothing
                        new Prediction(box(500), 0.3, FaceLabel.NO_MASK, 0.9))); // background FP
        DetectionEvaluator.Result r = new DetectionEvaluator(0.5, 0).evaluate(List.of(img));
        var mask = r.classes().get(FaceLabel.MASK);
        assertEquals(1, mask.truths());
        assertEquals(1, mask.truePositives());
        assertEquals(1, mask.falsePositives());
        assertEquals(1.0, mask.ap(), 1e-9);
        var noMask = r.classes().get(FaceLabel.NO_MASK);
        assertEquals(2, noMask.truths());
        assertEquals(0, noMask.truePositives());
        assertEquals(0.0, noMask.ap(), 1e-9);
        assertEquals(0.5, r.map(), 1e-9);
        assertEquals(3, r.scoredFaces());
        assertEquals(2, r.detectedFaces());
        assertEquals(1, r.faceFalsePositives());
        assertEquals(1.0, r.faceRecallByTrueClass().get(FaceLabel.MASK)[1]);
        assertEquals(1.0, r.faceRecallByTrueClass().get(FaceLabel.NO_MASK)[1]);
        assertEquals(0.5, r.classificationAccuracy(), 1e-9);
        assertEquals(1, r.confusion()[1][0], "a no_mask face called mask");
        assertEquals(1, r.ignoredTruths());
    }

    @Test
    void minimumSizeIgnoresSmallFacesAndSmallUnmatchedDetections() {
        Image img = new Image(List.of(new Truth(new Box(0, 0, 20, 20), FaceLabel.NO_MASK), new Truth(box(100), FaceLabel.MASK)),
                List.of(new Prediction(new Box(0, 0, 20, 20), 0.9, FaceLabel.NO_MASK, 1),
                        new Prediction(new Box(300, 0, 310, 10), 0.9, FaceLabel.MASK, 1),
                        new Prediction(box(100), 0.5, FaceLabel.MASK, 1)));
        DetectionEvaluator.Result r = new DetectionEvaluator(0.5, 32).evaluate(List.of(img));
        assertEquals(1, r.scoredFaces());
        assertEquals(0, r.classes().get(FaceLabel.MASK).falsePositives());
        assertEquals(1.0, r.map(), 1e-9, "no_mask has no scored face and is left out of the mean");
    }

    @Test
    void vocNamesMapToLabels() {
        assertEquals(FaceLabel.MASK, VocLabels.scored("with_mask", IncorrectPolicy.IGNORE).orElseThrow());
        assertEquals(FaceLabel.MASK, VocLabels.scored("Face Mask", IncorrectPolicy.IGNORE).orElseThrow());
        assertEquals(FaceLabel.NO_MASK, VocLabels.scored("without_mask", IncorrectPolicy.IGNORE).orElseThrow());
        assertEquals(FaceLabel.NO_MASK, VocLabels.scored("face", IncorrectPolicy.IGNORE).orElseThrow());
        assertEquals(true, VocLabels.scored("mask_weared_incorrect", IncorrectPolicy.IGNORE).isEmpty());
        assertEquals(FaceLabel.NO_MASK, VocLabels.scored("mask_weared_incorrect", IncorrectPolicy.NO_MASK).orElseThrow());
        assertEquals(true, VocLabels.of("person").isEmpty());
    }
}
