package io.maskwatch.common.contract;

/** An axis-aligned box in pixels of the original frame: (x1, y1) top-left, (x2, y2) bottom-right. */
public record Box(double x1, double y1, double x2, double y2) {
    public Box {
        if (!(x2 >= x1 && y2 >= y1)) {
            throw new IllegalArgumentException("box corners out of order: [" + x1 + "," + y1 + "," + x2 + "," + y2 + "]");
        }
    }

    public double width() {
        return x2 - x1;
    }

    public double height() {
        return y2 - y1;
    }

    public double area() {
        return width() * height();
    }

    public double centerX() {
        return (x1 + x2) / 2;
    }

    public double centerY() {
        return (y1 + y2) / 2;
    }

    /** Intersection over union with another box; 0 when they do not overlap. */
    public double iou(Box o) {
        double ix = Math.max(0, Math.min(x2, o.x2) - Math.max(x1, o.x1));
        double iy = Math.max(0, Math.min(y2, o.y2) - Math.max(y1, o.y1));
        double inter = ix * iy;
        double union = area() + o.area() - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
