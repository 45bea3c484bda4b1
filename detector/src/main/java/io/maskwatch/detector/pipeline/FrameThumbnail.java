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
        float[] px = new float[W * H];
        try (Mat gray = new Mat(); Mat small = new Mat()) {
            if (frame.channels() == 3) {
                cvtColor(frame, gray, COLOR_BGR2GRAY);
            } else {
                frame.copyTo(gray);
            }
            resize(gray, small, new Size(W, H), 0, 0, INTER_AREA);
            try (UByteIndexer ix = small.createIndexer()) {
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        px[y * W + x] = ix.get(y, x);
                    }
                }
            }
        }
        return px;
    }
}
