package io.maskwatch.detector.mask;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.maskwatch.common.contract.Box;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Square face crops for the classifier: side = longer box side x (1 + 2 x margin), centred on the
 * box. Parts outside the frame are filled by repeating the edge pixels, so a face at the border
 * keeps its size and position in the crop (the classifier saw centred faces in training).
 */
public final class FaceCropper {
    private final double margin;

    public FaceCropper(double margin) {
        this.margin = margin;
    }

    /** The square region in frame coordinates (may extend beyond the frame). */
    public Rect region(Box box) {
        double side = Math.max(box.width(), box.height()) * (1 + 2 * margin);
        int s = Math.max(2, (int) Math.round(side));
        int x = (int) Math.round(box.centerX() - s / 2.0);
        int y = (int) Math.round(box.centerY() - s / 2.0);
        return new Rect(x, y, s, s);
    }

    /** A copy of the square crop, edge-padded where it leaves the frame. */
    public Mat crop(Mat frame, Box box) {
        Rect r = region(box);
        int fx1 = Math.max(0, r.x()), fy1 = Math.max(0, r.y());
        int fx2 = Math.min(frame.cols(), r.x() + r.width()), fy2 = Math.min(frame.rows(), r.y() + r.height());
        if (fx2 <= fx1 || fy2 <= fy1) {
            throw new IllegalArgumentException("face box " + box + " lies outside the " + frame.cols() + "x" + frame.rows() + " frame");
        }
        try (Mat inside = new Mat(frame, new Rect(fx1, fy1, fx2 - fx1, fy2 - fy1))) {
            Mat out = new Mat();
            copyMakeBorder(inside, out, fy1 - r.y(), r.y() + r.height() - fy2, fx1 - r.x(), r.x() + r.width() - fx2,
                    BORDER_REPLICATE);
            return out;
        }
    }

    /** {@code img} scaled down so its longer side is at most {@code maxSide} (never up); a new mat. */
    public static Mat fitWithin(Mat img, int maxSide) {
        int longer = Math.max(img.cols(), img.rows());
        Mat out = new Mat();
        if (longer <= maxSide) {
            img.copyTo(out);
            return out;
        }
        double s = (double) maxSide / longer;
        resize(img, out, new Size(Math.max(1, (int) Math.round(img.cols() * s)), Math.max(1, (int) Math.round(img.rows() * s))),
                0, 0, s < 1 ? INTER_AREA : INTER_LINEAR);
        return out;
    }
}
