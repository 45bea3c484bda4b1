package io.maskwatch.detector.face;

import io.maskwatch.common.contract.Box;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A backend's measured box correction: detectors disagree on where a face ends (some stop at the
 * mouth or brows), while mask annotations and the classifier's crops run from hairline to below
 * the chin, where a mask sits. The box centre moves down by {@code shiftY} x its height, then the
 * box is scaled by {@code scaleW} x {@code scaleH} around it.
 *
 * @param shiftY fraction of the box height to move the centre down (negative = up)
 * @param scaleW width factor
 * @param scaleH height factor
 */
public record BoxCalibration(double shiftY, double scaleW, double scaleH) {
    public static final BoxCalibration NONE = new BoxCalibration(0, 1, 1);

    public BoxCalibration {
        if (!(scaleW > 0 && scaleH > 0)) {
            throw new IllegalArgumentException("box scale factors must be positive, got " + scaleW + ", " + scaleH);
        }
    }

    public boolean isNone() {
        return equals(NONE);
    }

    public Box apply(Box b) {
        double cx = b.centerX(), cy = b.centerY() + shiftY * b.height();
        double w = b.width() * scaleW, h = b.height() * scaleH;
        return new Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
    }

    /** The detector with this correction applied to its boxes (clamped to the frame). */
    public FaceDetector wrap(FaceDetector inner) {
        return isNone() ? inner : new FaceDetector() {
            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public List<DetectedFace> detect(Mat bgr) {
                return inner.detect(bgr).stream()
                        .map(f -> new DetectedFace(apply(f.box()), f.score(), f.landmarks()).clampedTo(bgr.cols(), bgr.rows()))
                        .toList();
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }
}
