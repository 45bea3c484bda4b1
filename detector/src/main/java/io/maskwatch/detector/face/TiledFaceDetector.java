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
 * <p>A face cut by an inner tile border is dropped from that tile: with enough overlap it lies
 * wholly inside a neighbouring tile (or is found on the whole frame when it is large).
 */
public final class TiledFaceDetector implements FaceDetector {
    /** Boxes closer than this to an inner tile edge count as cut. */
    private static final double EDGE_PX = 2.0;
    private static final double MERGE_IOU = 0.4;

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
        if (!t.enabled() || longer < t.minFrameSide() || longer <= t.tileSize()) {
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
        List<DetectedFace> all = new ArrayList<>(inner.detect(bgr));
        int w = bgr.cols(), h = bgr.rows();
        for (Rect r : tiles(w, h, tiling)) {
            try (Mat roi = new Mat(bgr, r)) {
                for (DetectedFace f : inner.detect(roi)) {
                    if (cutByInnerEdge(f, r, w, h)) {
                        continue;
                    }
                    all.add(f.shifted(r.x(), r.y()));
                }
            }
        }
        return Nms.hard(all, MERGE_IOU);
    }

    private static boolean cutByInnerEdge(DetectedFace f, Rect r, int w, int h) {
        var b = f.box();
        return (r.x() > 0 && b.x1() <= EDGE_PX)
                || (r.y() > 0 && b.y1() <= EDGE_PX)
                || (r.x() + r.width() < w && b.x2() >= r.width() - EDGE_PX)
                || (r.y() + r.height() < h && b.y2() >= r.height() - EDGE_PX);
    }

    @Override
    public void close() {
        inner.close();
    }
}
