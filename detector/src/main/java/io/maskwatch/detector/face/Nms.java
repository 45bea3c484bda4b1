package io.maskwatch.detector.face;

import io.maskwatch.common.contract.Box;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Non-maximum suppression over detected faces. */
public final class Nms {
    private Nms() {
    }

    /** Classic NMS: keep the best, drop everything overlapping it by more than {@code iou}. */
    public static List<DetectedFace> hard(List<DetectedFace> faces, double iou) {
        List<DetectedFace> sorted = sortedByScore(faces);
        List<DetectedFace> kept = new ArrayList<>();
        for (DetectedFace f : sorted) {
            boolean overlaps = false;
            for (DetectedFace k : kept) {
                if (k.box().iou(f.box()) > iou) {
                    overlaps = true;
                    break;
                }
            }
            if (!overlaps) {
                kept.add(f);
            }
        }
        return kept;
    }

    /**
     * MediaPipe's weighted NMS (as in BlazeFace): each cluster of boxes overlapping the best one by
     * at least {@code iou} becomes the score-weighted mean box (and key points) with the best score.
     * Steadier boxes than hard NMS, which matters for tracking.
     */
    public static List<DetectedFace> weighted(List<DetectedFace> faces, double iou) {
        List<DetectedFace> remaining = sortedByScore(faces);
        List<DetectedFace> out = new ArrayList<>();
        while (!remaining.isEmpty()) {
            DetectedFace best = remaining.get(0);
            List<DetectedFace> cluster = new ArrayList<>();
            List<DetectedFace> rest = new ArrayList<>();
            for (DetectedFace f : remaining) {
                (f == best || best.box().iou(f.box()) >= iou ? cluster : rest).add(f);
            }
            double sw = 0, x1 = 0, y1 = 0, x2 = 0, y2 = 0;
            float[] lm = new float[best.landmarks().length];
            for (DetectedFace f : cluster) {
                double w = f.score();
                sw += w;
                x1 += w * f.box().x1();
                y1 += w * f.box().y1();
                x2 += w * f.box().x2();
                y2 += w * f.box().y2();
                for (int i = 0; i < lm.length && i < f.landmarks().length; i++) {
                    lm[i] += (float) (w * f.landmarks()[i]);
                }
            }
            for (int i = 0; i < lm.length; i++) {
                lm[i] /= (float) sw;
            }
            out.add(new DetectedFace(new Box(x1 / sw, y1 / sw, x2 / sw, y2 / sw), best.score(), lm));
            remaining = rest;
        }
        return out;
    }

    private static List<DetectedFace> sortedByScore(List<DetectedFace> faces) {
        List<DetectedFace> sorted = new ArrayList<>(faces);
        sorted.sort(Comparator.comparingDouble(DetectedFace::score).reversed());
        return sorted;
    }
}
