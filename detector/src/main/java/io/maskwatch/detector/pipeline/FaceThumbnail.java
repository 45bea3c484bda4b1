package io.maskwatch.detector.pipeline;

import io.maskwatch.common.contract.Box;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * A face's appearance in a few numbers: its box, in grayscale, scaled to {@link #SIDE}x{@link #SIDE}
 * and normalised to mean 0 and standard deviation 1 (so a change of exposure does not count as a
 * change of face). {@link #change} is the mean absolute difference of two thumbnails: a mask going on
 * or off changes the lower half of the face a lot, a face that only moved a little barely.
 */
public final class FaceThumbnail {
    public static final int SIDE = 16;
    private final float[] v;

    private FaceThumbnail(float[] v) {
        this.v = v;
    }

    /** The thumbnail of {@code box} in a BGR (or gray) frame; null when the box lies outside it. */
    public static FaceThumbnail of(Mat frame, Box box) {
        int x1 = (int) Math.max(0, Math.floor(box.x1())), y1 = (int) Math.max(0, Math.floor(box.y1()));
        int x2 = (int) Math.min(frame.cols(), Math.ceil(box.x2())), y2 = (int) Math.min(frame.rows(), Math.ceil(box.y2()));
        if (x2 - x1 < 2 || y2 - y1 < 2) {
            return null;
        }
        float[] px;
        try (Rect r = new Rect(x1, y1, x2 - x1, y2 - y1); Mat roi = new Mat(frame, r)) {
            px = FrameThumbnail.gray(roi, SIDE, SIDE);
        }
        double mean = 0;
        for (float p : px) {
            mean += p;
        }
        mean /= px.length;
        double var = 0;
        for (float p : px) {
            var += (p - mean) * (p - mean);
        }
        // a flat patch (std ~0) stays near 0 instead of amplifying noise
        double sd = Math.max(Math.sqrt(var / px.length), 4.0);
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) ((px[i] - mean) / sd);
        }
        return new FaceThumbnail(px);
    }

    /** Mean absolute difference (in standard deviations) over the whole face; 0 = same. */
    public double change(FaceThumbnail other) {
        return diff(other, 0);
    }

    /** Mean absolute difference over the lower half of the face (mouth, nose, chin: where a mask is). */
    public double lowerChange(FaceThumbnail other) {
        return diff(other, SIDE / 2);
    }

    private double diff(FaceThumbnail o, int fromRow) {
        double s = 0;
        for (int i = fromRow * SIDE; i < v.length; i++) {
            s += Math.abs(v[i] - o.v[i]);
        }
        return s / (v.length - fromRow * SIDE);
    }
}
