package io.maskwatch.detector.face;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.maskwatch.common.contract.Box;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/** Test helper: a real frame shrunk into a large grey frame, to make small faces with known boxes. */
final class SmallFaces {
    private SmallFaces() {
    }

    static Mat place(Mat src, int w, int h, double scale, int ox, int oy) {
        Mat big = new Mat(h, w, CV_8UC3, new Scalar(110, 120, 130, 0));
        try (Mat small = new Mat()) {
            resize(src, small, new Size((int) Math.round(src.cols() * scale), (int) Math.round(src.rows() * scale)), 0, 0, INTER_AREA);
            try (Mat dst = new Mat(big, new Rect(ox, oy, small.cols(), small.rows()))) {
                small.copyTo(dst);
            }
        }
        return big;
    }

    static Box transform(Box b, double scale, int ox, int oy) {
        return new Box(ox + b.x1() * scale, oy + b.y1() * scale, ox + b.x2() * scale, oy + b.y2() * scale);
    }
}
