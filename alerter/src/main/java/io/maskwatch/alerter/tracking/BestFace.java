package io.maskwatch.alerter.tracking;

import io.maskwatch.common.contract.Box;

/**
 * The face of a track that best shows the person unmasked: highest P(unmasked) x face area,
 * preferring faces that came with a crop. Its crop and heat map become the alert's snapshot.
 */
public record BestFace(double score, long timestampMs, Box box, double unmaskedProbability,
                       byte[] cropJpeg, byte[] heatmapJpeg) {

    static double scoreOf(double unmaskedProbability, Box box) {
        return unmaskedProbability * box.area();
    }

    /** Whether {@code candidate} should replace {@code current}. */
    static boolean better(BestFace candidate, BestFace current) {
        if (current == null) {
            return true;
        }
        boolean candCrop = candidate.cropJpeg != null;
        boolean curCrop = current.cropJpeg != null;
        if (candCrop != curCrop) {
            return candCrop;
        }
        return candidate.score > current.score;
    }
}
