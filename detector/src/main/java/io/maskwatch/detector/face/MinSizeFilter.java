package io.maskwatch.detector.face;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/** Drops faces narrower than a minimum width (too small to classify reliably). */
public final class MinSizeFilter implements FaceDetector {
    private final FaceDetector inner;
    private final int minWidth;

    public MinSizeFilter(FaceDetector inner, int minWidth) {
        this.inner = inner;
        this.minWidth = minWidth;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public List<DetectedFace> detect(Mat bgr) {
        return inner.detect(bgr).stream().filter(f -> f.box().width() >= minWidth).toList();
    }

    @Override
    public void close() {
        inner.close();
    }
}
