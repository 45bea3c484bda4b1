package io.maskwatch.detector.face;

import static org.bytedeco.opencv.global.opencv_core.flip;

import io.maskwatch.common.contract.Box;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Horizontal-flip test-time augmentation: the detector also runs on the mirrored frame, and each
 * face found both ways becomes the score-weighted mean of the two boxes (a detector's box errors
 * are partly independent between a face and its mirror image, so the mean is steadier). Costs a
 * second pass.
 */
public final class FlipTta implements FaceDetector {
    /** Weighted-NMS overlap that pairs a face with its mirrored detection. */
    static final double FUSE_IOU = 0.5;

    private final FaceDetector inner;

    public FlipTta(FaceDetector inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public List<DetectedFace> detect(Mat bgr) {
        List<DetectedFace> all = new ArrayList<>(inner.detect(bgr));
        all.addAll(detectMirrored(inner, bgr));
        return Nms.weighted(all, FUSE_IOU);
    }

    /** The detector's faces on the mirrored frame, mapped back to the frame. */
    public static List<DetectedFace> detectMirrored(FaceDetector d, Mat bgr) {
        try (Mat mirrored = new Mat()) {
            flip(bgr, mirrored, 1);
            return d.detect(mirrored).stream().map(f -> unmirror(f, bgr.cols())).toList();
        }
    }

    /**
     * A face found on the mirrored frame, in the frame's coordinates. Landmarks in pairs (left eye,
     * right eye, nose, left mouth, right mouth for 5) swap sides: a mirrored left eye is the right one.
     */
    static DetectedFace unmirror(DetectedFace f, int width) {
        Box b = f.box();
        float[] lm = f.landmarks().clone();
        for (int i = 0; i + 1 < lm.length; i += 2) {
            lm[i] = width - lm[i];
        }
        if (lm.length == 10) {
            swap(lm, 0, 1);
            swap(lm, 3, 4);
        }
        return new DetectedFace(new Box(width - b.x2(), b.y1(), width - b.x1(), b.y2()), f.score(), lm);
    }

    private static void swap(float[] lm, int p, int q) {
        for (int k = 0; k < 2; k++) {
            float t = lm[2 * p + k];
            lm[2 * p + k] = lm[2 * q + k];
            lm[2 * q + k] = t;
        }
    }

    @Override
    public void close() {
        inner.close();
    }
}
