package io.maskwatch.detector.face;

import io.maskwatch.common.contract.Box;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Extends each box downward by a fraction of its height: some detectors' boxes end at the mouth,
 * while mask annotations (and the classifier's crops) reach over the chin, where a mask sits.
 */
public final class BoxExtender implements FaceDetector {
    private final FaceDetector inner;
    private final double fraction;

    public BoxExtender(FaceDetector inner, double fraction) {
        this.inner = inner;
        this.fraction = fraction;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public List<DetectedFace> detect(Mat bgr) {
        int w = bgr.cols(), h = bgr.rows();
        return inner.detect(bgr).stream().map(f -> extend(f, fraction).clampedTo(w, h)).toList();
    }

    static DetectedFace extend(DetectedFace f, double fraction) {
        Box b = f.box();
        return new DetectedFace(new Box(b.x1(), b.y1(), b.x2(), b.y2() + fraction * b.height()), f.score(), f.landmarks());
    }

    @Override
    public void close() {
        inner.close();
    }
}
