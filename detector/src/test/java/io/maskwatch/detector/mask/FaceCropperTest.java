package io.maskwatch.detector.mask;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.maskwatch.common.contract.Box;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class FaceCropperTest {
    @Test
    void squareRegionAroundTheBoxCentreWithMargin() {
        Rect r = new FaceCropper(0.25).region(new Box(100, 100, 140, 180)); // 40 x 80
        assertEquals(120, r.width());
        assertEquals(120, r.height());
        assertEquals(120 - 60, r.x());
        assertEquals(140 - 60, r.y());
    }

    @Test
    void negativeMarginCropsInsideTheBox() {
        Rect r = new FaceCropper(-0.1).region(new Box(0, 0, 100, 100));
        assertEquals(80, r.width());
        assertEquals(10, r.x());
    }

    @Test
    void cropAtTheFrameEdgeKeepsItsSizeAndRepeatsEdgePixels() {
        try (Mat frame = new Mat(100, 100, CV_8UC3, new Scalar(0, 0, 0, 0))) {
            // left column white, so the replicated border is white too
            try (Mat col = new Mat(frame, new Rect(0, 0, 1, 100))) {
                col.put(new Scalar(255, 255, 255, 0));
            }
            try (Mat crop = new FaceCropper(0).crop(frame, new Box(-10, 40, 30, 80)); UByteIndexer ix = crop.createIndexer()) {
                assertEquals(40, crop.cols());
                assertEquals(40, crop.rows());
                assertEquals(255, ix.get(20, 0, 0), "outside the frame: replicated edge");
                assertEquals(255, ix.get(20, 10, 0), "the frame's first column");
                assertEquals(0, ix.get(20, 11, 0), "inside the frame");
            }
        }
    }

    @Test
    void fitWithinOnlyShrinks() {
        try (Mat big = new Mat(300, 200, CV_8UC3); Mat small = new Mat(50, 40, CV_8UC3);
             Mat a = FaceCropper.fitWithin(big, 128); Mat b = FaceCropper.fitWithin(small, 128)) {
            assertEquals(128, a.rows());
            assertEquals(85, a.cols());
            assertEquals(50, b.rows());
        }
    }
}
