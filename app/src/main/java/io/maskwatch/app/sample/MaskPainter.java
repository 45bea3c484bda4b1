package io.maskwatch.app.sample;

import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.fillPoly;
import static org.bytedeco.opencv.global.opencv_imgproc.line;
import static org.bytedeco.opencv.global.opencv_imgproc.polylines;

import io.maskwatch.app.sample.FaceLandmarks.Point;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Paints a synthetic surgical-style mask onto a face from its keypoints, the way public masked-face
 * datasets were made. {@link Fit#BELOW_NOSE} paints an incorrectly worn mask (for a future
 * {@code incorrect} class).
 */
public final class MaskPainter {
    public enum Fit { PROPER, BELOW_NOSE }

    /** BGR colours of common masks: light blue, white, black. */
    public static final List<Scalar> COLOURS = List.of(
            new Scalar(225, 205, 160, 0), new Scalar(235, 235, 235, 0), new Scalar(40, 40, 40, 0));

    private MaskPainter() {
    }

    /** The mask outline in image pixels (closed polygon), useful for tests and debugging. */
    public static List<Point> outline(FaceLandmarks f, Fit fit) {
        Point eyes = Point.lerp(f.rightEye(), f.leftEye(), 0.5);
        Point down = f.mouth().minus(eyes);
        double faceLen = down.length();
        Point v = down.times(1 / faceLen);                   // face "down" axis
        Point u = new Point(-v.y(), v.x());                  // face "sideways" axis, towards the person's left... or right
        Point across = f.leftEar().minus(f.rightEar());
        if (across.x() * u.x() + across.y() * u.y() < 0) {
            u = u.times(-1);
        }
        double halfWidth = 0.5 * Math.max(across.length(), 1.2 * faceLen) * 0.92;
        Point top = fit == Fit.PROPER
                ? Point.lerp(eyes, f.noseTip(), 0.45)
                : Point.lerp(f.noseTip(), f.mouth(), 0.45);
        Point chin = f.mouth().plus(f.mouth().minus(f.noseTip()).times(1.25));
        double height = (chin.minus(top).x() * v.x() + chin.minus(top).y() * v.y());
        Point centreTop = top;
        List<Point> pts = new ArrayList<>();
        int n = 12;
        // Top edge: highest at the nose bridge, dropping towards the cheeks.
        for (int i = 0; i <= n; i++) {
            double t = -1 + 2.0 * i / n;
            pts.add(centreTop.plus(u.times(t * halfWidth)).plus(v.times(0.18 * height * t * t)));
        }
        // Sides and a rounded bottom around the chin.
        for (int i = 1; i < n; i++) {
            double a = Math.PI * i / n;                       // 0 .. pi from the left end round the chin
            double x = Math.cos(a) * halfWidth * 0.98;
            double y = 0.18 * height + Math.sin(a) * (height * 0.82);
            pts.add(centreTop.plus(u.times(x)).plus(v.times(y)));
        }
        return pts;
    }

    /** Paints the mask into {@code bgr} in place. */
    public static void paint(Mat bgr, FaceLandmarks f, Fit fit, Scalar colour) {
        List<Point> outline = outline(f, fit);
        fillPoly(bgr, polygon(outline), colour, LINE_AA, 0, new org.bytedeco.opencv.opencv_core.Point());
        Scalar shade = new Scalar(colour.get(0) * 0.8, colour.get(1) * 0.8, colour.get(2) * 0.8, 0);
        polylines(bgr, polygon(outline), true, shade, 2, LINE_AA, 0);
        // Three pleats across the mask and the ear loops make it read as a mask, not a blob.
        int n = 12;
        for (int k = 1; k <= 3; k++) {
            double t = 0.25 * k;
            Point a = Point.lerp(outline.get(1), outline.get(outline.size() - 1), t);
            Point b = Point.lerp(outline.get(n - 1), outline.get(n + 1), t);
            line(bgr, cv(a), cv(b), shade, 1, LINE_AA, 0);
        }
        line(bgr, cv(outline.get(0)), cv(f.rightEar()), shade, 2, LINE_AA, 0);
        line(bgr, cv(outline.get(n)), cv(f.leftEar()), shade, 2, LINE_AA, 0);
    }

    private static MatVector polygon(List<Point> pts) {
        int[] xy = new int[pts.size() * 2];
        for (int i = 0; i < pts.size(); i++) {
            xy[2 * i] = (int) Math.round(pts.get(i).x());
            xy[2 * i + 1] = (int) Math.round(pts.get(i).y());
        }
        Mat m = new Mat(pts.size(), 1, org.bytedeco.opencv.global.opencv_core.CV_32SC2);
        new IntPointer(m.data()).put(xy);
        return new MatVector(m);
    }

    private static org.bytedeco.opencv.opencv_core.Point cv(Point p) {
        return new org.bytedeco.opencv.opencv_core.Point((int) Math.round(p.x()), (int) Math.round(p.y()));
    }
}
