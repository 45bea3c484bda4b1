package io.maskwatch.ingest.testing;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Synthetic BGR images drawn with OpenCV. */
public final class TestImages {
    private TestImages() {
    }

    /** Blue background with a red disc on the left (left quarter, vertically centred). */
    public static Mat discOnBlue(int w, int h) {
        Mat m = new Mat(h, w, CV_8UC3, new Scalar(200, 80, 20, 0)); // BGR
        circle(m, new Point(w / 4, h / 2), h / 4, new Scalar(0, 0, 255, 0), -1, 8, 0);
        return m;
    }
}
