package io.maskwatch.detector.face;

import io.maskwatch.common.contract.Box;

/**
 * A face found by a detector, in frame pixels.
 *
 * @param box       face box
 * @param score     detector confidence in [0, 1]
 * @param landmarks x,y pairs of the detector's key points (eyes, nose, mouth, ...), may be empty
 */
public record DetectedFace(Box box, float score, float[] landmarks) {
    public DetectedFace {
        landmarks = landmarks == null ? new float[0] : landmarks;
    }

    public DetectedFace shifted(double dx, double dy) {
        float[] lm = landmarks.clone();
        for (int i = 0; i + 1 < lm.length; i += 2) {
            lm[i] += (float) dx;
            lm[i + 1] += (float) dy;
        }
        return new DetectedFace(new Box(box.x1() + dx, box.y1() + dy, box.x2() + dx, box.y2() + dy), score, lm);
    }

    /** The same face with its box clamped to a {@code width} x {@code height} frame. */
    public DetectedFace clampedTo(int width, int height) {
        double x1 = clamp(box.x1(), width), y1 = clamp(box.y1(), height);
        double x2 = clamp(box.x2(), width), y2 = clamp(box.y2(), height);
        return new DetectedFace(new Box(x1, y1, Math.max(x1, x2), Math.max(y1, y2)), score, landmarks);
    }

    private static double clamp(double v, int max) {
        return Math.max(0, Math.min(max, v));
    }
}
