package io.maskwatch.alerter.tracking;

import io.maskwatch.common.contract.Box;

/**
 * The face of a track that best shows the person unmasked: highest P(face and no mask or mask below
 * the nose) x face area,
 * preferring faces that came with a crop. Its crop and heat map (in {@link TrackImages}) become
 * the alert's snapshot.
 */
public record BestFace(double score, long timestampMs, Box box, double unmaskedProbability, boolean hasCrop) {

    static double scoreOf(double unmaskedProbability, Box box) {
        return unmaskedProbability * box.area();
    }

    /** Whether {@code candidate} should replace {@code current}. */
    static boolean better(BestFace candidate, BestFace current) {
        if (current == null) {
            return true;
        }
        if (candidate.hasCrop != current.hasCrop) {
            return candidate.hasCrop;
        }
        return candidate.score > current.score;
    }
}
