package io.maskwatch.alerter.tracking;

import com.fasterxml.jackson.annotation.JsonFormat;
import io.maskwatch.common.contract.Face;
import io.maskwatch.common.contract.FaceLabel;

/**
 * What one face of a track showed, as joint probabilities: {@code face} = P(face), {@code noMask} =
 * P(face and no mask), {@code incorrect} = P(face and mask below the nose). The tracker only
 * remembers these; {@link io.maskwatch.alerter.alert.AlertPolicy} decides what they mean. Computed
 * from {@code face_score} and the conditional probabilities, so schema 1 events (where
 * {@code score} was not yet joint) give the same numbers.
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY) // [face, no_mask, incorrect]: K of these per track, every frame
public record FaceEvidence(double face, double noMask, double incorrect) {

    public static FaceEvidence of(Face f) {
        return new FaceEvidence(round(Face.jointConfidence(f.faceScore(), 1)), round(f.joint(FaceLabel.NO_MASK)),
                round(f.joint(FaceLabel.INCORRECT)));
    }

    /** 4 decimals are far finer than any threshold, and keep the state (rewritten per frame) short. */
    private static double round(double p) {
        return Math.round(p * 10_000) / 10_000.0;
    }

    /** P(face and not wearing a mask properly): no mask or mask below the nose. */
    public double nonCompliant() {
        return Math.min(face, noMask + incorrect);
    }
}
