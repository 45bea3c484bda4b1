package io.maskwatch.detector.face;

import io.maskwatch.detector.DetectorConfig.Tiling;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * Small faces in large frames: runs the wrapped detector on the whole frame and on overlapping
 * square tiles, then merges. A detector with a fixed input (BlazeFace 256, res10 300) sees a face
 * of F frame pixels at F x input/tileSize pixels in a tile instead of F x input/frameSide.
 *
 * <p>Tiles only add small faces: a tile face larger than the overlap (which a tile border may cut),
 * one near an inner tile border (cut; with enough overlap it lies wholly inside a neighbouring
 * tile), or one mostly inside a whole-frame face is dropped. Remaining tile faces and the
 * whole-frame faces are merged by NMS.
 */
public final class TiledFaceDetector implements FaceDetector {
    /** Boxes closer than this fraction of the tile to an inner tile edge count as cut. */
    private static final double EDGE_FRACTION = 0.03;
    private static final double MERGE_IOU = 0.4;
    /** A tile face mostly inside a whole-frame face (intersection / tile face area) is the same face. */
    private static final double CONTAINED = 0.6;

    private final FaceDetector inner;
    private final Tiling tiling;

    public TiledFaceDetector(FaceDetector inner, Tiling tiling) {
        this.inner = inner;
        this.tiling = tiling;
    }

    @Override
    public String name() {
        return inner.name();
    }

    /** Tile rectangles covering a frame (empty when the frame is not tiled). */
    public static List<Rect> tiles(int width, int height, Tiling t) {
        List<Rect> out = new ArrayList<>();
        int longer = Math.max(width, height);
        if (longer < t.minFrameSide() || longer <= t.tileSize()) {
            return out;
        }
        int[] xs = starts(width, t.tileSize(), t.overlap());
        int[] ys = starts(height, t.tileSize(), t.overlap());
        int tw = Math.min(t.tileSize(), width), th = Math.min(t.tileSize(), height);
        for (int y : ys) {
            for (int x : xs) {
                out.add(new Rect(x, y, tw, th));
            }
        }
        return out;
    }

    /** Evenly spaced tile starts along one axis; neighbours overlap by at least {@code overlap} x tile. */
    static int[] starts(int length, int tile, double overlap) {
        if (length <= tile) {
            return new int[] {0};
        }
        double step = tile * (1 - overlap);
        int n = (int) Math.ceil((length - tile) / step) + 1;
        int[] s = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = (int) Math.round((double) i * (length - tile) / (n - 1));
        }
        return s;
    }

    @Override
    public List<DetectedFace> detect(Mat bgr) {
        List<DetectedFace> whole = inner.detect(bgr);
        List<DetectedFace> all = new ArrayList<>(whole);
        int w = bgr.cols(), h = bgr.rows();
        double maxFace = tiling.overlap() * tiling.tileSize();
        for (Rect r : tiles(w, h, tiling)) {
            try (Mat roi = new Mat(bgr, r)) {
                for (DetectedFace f : inner.detect(roi)) {
                    if (Math.max(f.box().width(), f.box().height()) > maxFace || cutByInnerEdge(f, r, w, h)) {
                        continue;
                    }
                    DetectedFace shifted = f.shifted(r.x(), r.y());
                    if (whole.stream().noneMatch(x -> containment(shifted.box(), x.box()) > CONTAINED)) {
                        all.add(shifted);
                    }
                }
            }
        }
        return Nms.hard(all, MERGE_IOU);
    }

    /** Whether a tile face touches an inner tile border (where the tile may have cut it). */
    static boolean cutByInnerEdge(DetectedFace f, Rect r, int w, int h) {
        var b = f.box();
        double edge = Math.max(2, EDGE_FRACTION * Math.max(r.width(), r.height()));
        return (r.x() > 0 && b.x1() <= edge)
                || (r.y() > 0 && b.y1() <= edge)
                || (r.x() + r.width() < w && b.x2() >= r.width() - edge)
                || (r.y() + r.height() < h && b.y2() >= r.height() - edge);
    }

    /** Area of {@code a} inside {@code b}, as a fraction of {@code a}. */
    static double containment(io.maskwatch.common.contract.Box a, io.maskwatch.common.contract.Box b) {
        double ix = Math.max(0, Math.min(a.x2(), b.x2()) - Math.max(a.x1(), b.x1()));
        double iy = Math.max(0, Math.min(a.y2(), b.y2()) - Math.max(a.y1(), b.y1()));
        return a.area() <= 0 ? 0 : ix * iy / a.area();
    }

    @Override
    public void close() {
        inner.close();
    }
}
