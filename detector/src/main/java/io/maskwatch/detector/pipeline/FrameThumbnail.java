package io.maskwatch.detector.pipeline;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/** A whole frame as 64x36 grey levels (not normalised: motion gating wants raw change). */
final class FrameThumbnail {
    static final int W = 64, H = 36;

    private FrameThumbnail() {
    }

    static float[] of(Mat frame) {
        return gray(frame, W, H);
    }

    /** {@code image} (BGR or gray) shrunk to {@code w x h} grey levels (area-averaged), row by row. */
    static float[] gray(Mat image, int w, int h) {
        float[] px = new float[w * h];
        try (Mat gray = new Mat(); Mat small = new Mat(); Size size = new Size(w, h)) {
            if (image.channels() == 3) {
                cvtColor(image, gray, COLOR_BGR2GRAY);
            } else {
                image.copyTo(gray);
            }
            resize(gray, small, size, 0, 0, INTER_AREA);
            try (UByteIndexer ix = small.createIndexer()) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        px[y * w + x] = ix.get(y, x);
                    }
                }
            }
        }
        return px;
    }
}
