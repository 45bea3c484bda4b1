package io.maskwatch.app.sample;

import io.maskwatch.common.contract.Box;

/**
 * A face box and the six BlazeFace keypoints, in image pixels. "Right"/"left" are the person's own
 * (the right eye appears on the left of the picture).
 */
public record FaceLandmarks(Box box, Point rightEye, Point leftEye, Point noseTip, Point mouth,
                            Point rightEar, Point leftEar) {

    public record Point(double x, double y) {
        Point plus(Point o) {
            return new Point(x + o.x, y + o.y);
        }

        Point minus(Point o) {
            return new Point(x - o.x, y - o.y);
        }

        Point times(double k) {
            return new Point(x * k, y * k);
        }

        double length() {
            return Math.hypot(x, y);
        }

        static Point lerp(Point a, Point b, double t) {
            return new Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
        }
    }
}
