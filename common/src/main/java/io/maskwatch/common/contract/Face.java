package io.maskwatch.common.contract;

import java.util.Map;
import java.util.Objects;

/**
 * One detected and classified face.
 *
 * @param box           face box in frame pixels
 * @param faceScore     face detector confidence in [0, 1]
 * @param label         predicted label
 * @param score         confidence of {@code label}: from schema 2 the joint P(face) x P(label | face), i.e.
 *                      {@code faceScore * probabilities[label]}; in schema 1 it was P(label | face) alone.
 *                      Consumers that need a version-independent number use {@link #joint(FaceLabel)}.
 * @param probabilities P(label | face) per label wire name ({@code mask}, {@code no_mask}, and from 3-class
 *                      models {@code incorrect}); conditional on a face, they sum to 1
 * @param cropJpeg      optional small JPEG of the face crop (base64 in JSON), null when not sent
 * @param heatmapJpeg   optional JPEG of the class-activation heat map blended over the crop, null when not sent
 */
public record Face(
        Box box,
        double faceScore,
        FaceLabel label,
        double score,
        Map<String, Double> probabilities,
        byte[] cropJpeg,
        byte[] heatmapJpeg) {

    public Face {
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(probabilities, "probabilities");
        probabilities = Map.copyOf(probabilities);
    }

    public double probability(FaceLabel l) {
        return probabilities.getOrDefault(l.wireName(), 0.0);
    }

    /** P(face) x P(l | face): the same number in every schema version (unlike {@link #score}). */
    public double joint(FaceLabel l) {
        return jointConfidence(faceScore, probability(l));
    }

    /**
     * The one rule for how sure MaskWatch is of a face's label: P(face) x P(label | face), each clamped
     * to [0, 1] (some detectors overshoot slightly; NaN counts as 0). The detector writes it as
     * {@link #score}; consumers recompute it from {@link #faceScore} and {@link #probabilities}.
     */
    public static double jointConfidence(double faceScore, double labelProbability) {
        return clamp(faceScore) * clamp(labelProbability);
    }

    private static double clamp(double p) {
        return Double.isNaN(p) ? 0 : Math.max(0, Math.min(1, p));
    }

    public Face withImages(byte[] crop, byte[] heatmap) {
        return new Face(box, faceScore, label, score, probabilities, crop, heatmap);
    }
}
