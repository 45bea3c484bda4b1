package io.maskwatch.detector.face;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class LetterboxTest {
    @Test
    void landscapeFramePadsTopAndBottom() {
        Letterbox lb = Letterbox.fit(1280, 720, 256);
        assertEquals(0.2, lb.scale(), 1e-12);
        assertEquals(256, lb.width());
        assertEquals(144, lb.height());
        assertEquals(0, lb.padX());
        assertEquals(56, lb.padY());
    }

    @Test
    void portraitFramePadsLeftAndRight() {
        Letterbox lb = Letterbox.fit(300, 600, 128);
        assertEquals(64, lb.width());
        assertEquals(128, lb.height());
        assertEquals(32, lb.padX());
        assertEquals(0, lb.padY());
    }

    @Test
    void mapsModelCoordinatesBackToFramePixels() {
        Letterbox lb = Letterbox.fit(1280, 720, 256);
        // model pixel (128, 56) = top edge centre of the content = frame (640, 0)
        assertEquals(640, lb.frameX(128 / 256.0), 1e-9);
        assertEquals(0, lb.frameY(56 / 256.0), 1e-9);
        // bottom-right content corner (256, 200) = frame (1280, 720)
        assertEquals(1280, lb.frameX(1.0), 1e-9);
        assertEquals(720, lb.frameY(200 / 256.0), 1e-9);
        assertEquals(320, lb.frameLength(64 / 256.0), 1e-9);
    }

    @Test
    void roundTripOfAnyFramePointIsExact() {
        Letterbox lb = Letterbox.fit(960, 506, 256);
        for (double x : new double[] {0, 17.5, 480, 959}) {
            double modelX = (x * lb.scale() + lb.padX()) / 256;
            assertEquals(x, lb.frameX(modelX), 1e-9);
        }
        for (double y : new double[] {0, 100, 505}) {
            double modelY = (y * lb.scale() + lb.padY()) / 256;
            assertEquals(y, lb.frameY(modelY), 1e-9);
        }
    }

    @Test
    void applyProducesSquarePaddedImageWithContentInTheMiddle() {
        try (Mat white = new Mat(720, 1280, CV_8UC3, new Scalar(255, 255, 255, 0))) {
            Letterbox lb = Letterbox.fit(1280, 720, 256);
            try (Mat out = lb.apply(white); UByteIndexer ix = out.createIndexer()) {
                assertEquals(256, out.cols());
                assertEquals(256, out.rows());
                assertEquals(0, ix.get(10, 128, 0), "padding above the content is black");
                assertEquals(255, ix.get(128, 128, 0), "content in the middle");
                assertEquals(255, ix.get(56, 0, 0), "first content row");
                assertEquals(0, ix.get(55, 0, 0), "last padding row");
                assertEquals(0, ix.get(200, 0, 0), "padding below the content");
            }
        }
    }

    @Test
    void rejectsEmptyFrames() {
        assertThrows(IllegalArgumentException.class, () -> Letterbox.fit(0, 10, 256));
    }
}
