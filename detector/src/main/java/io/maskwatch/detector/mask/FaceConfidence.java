package io.maskwatch.detector.mask;

/**
 * The one rule for how sure MaskWatch is of a face's label: P(face) x P(label | face), the
 * detector's face score times the classifier's probability of the label. A confident "no_mask" on
 * something that is barely a face (a poster, a hand) must rank below the same verdict on a clear
 * face, so {@code Face.score}, {@code analyze} output and the VOC ranking in {@code eval} all use it.
 * The classifier's own probabilities stay unchanged in {@code Face.probabilities}.
 */
public final class FaceConfidence {
    private FaceConfidence() {
    }

    /**
     * @param faceScore        detector confidence; clamped to [0, 1] (some backends overshoot slightly)
     * @param labelProbability classifier probability of the label, given that it is a face
     * @see io.maskwatch.common.contract.Face#jointConfidence the rule itself, shared with the alerter
     */
    public static double joint(double faceScore, double labelProbability) {
        return io.maskwatch.common.contract.Face.jointConfidence(faceScore, labelProbability);
    }
}
