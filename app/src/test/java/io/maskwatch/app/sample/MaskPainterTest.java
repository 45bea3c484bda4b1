package io.maskwatch.app.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.app.sample.FaceLandmarks.Point;
import io.maskwatch.common.contract.Box;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class MaskPainterTest {
    // An upright face 100 px wide centred at (200, 200).
    static final FaceLandmarks FACE = new FaceLandmarks(new Box(150, 140, 250, 260),
            new Point(180, 180), new Point(220, 180), new Point(200, 205), new Point(200, 228),
            new Point(152, 190), new Point(248, 190));

    @Test
    void coversNoseMouthAndChinButNotEyes() {
        Mat img = new Mat(400, 400, opencv_core.CV_8UC3, new Scalar(0, 0, 0, 0));
        MaskPainter.paint(img, FACE, MaskPainter.Fit.PROPER, MaskPainter.COLOURS.get(1));
        UByteIndexer px = img.createIndexer();
        assertTrue(px.get(228, 200, 0) > 200, "mouth covered");
        assertTrue(px.get(200, 200, 0) > 200, "nose covered");
        assertTrue(px.get(245, 200, 0) > 200, "chin covered");
        assertEquals(0, px.get(180, 180, 0), "right eye visible");
        assertEquals(0, px.get(180, 220, 0), "left eye visible");
    }

    @Test
    void belowNoseLeavesTheNoseTipVisible() {
        Mat img = new Mat(400, 400, opencv_core.CV_8UC3, new Scalar(0, 0, 0, 0));
        MaskPainter.paint(img, FACE, MaskPainter.Fit.BELOW_NOSE, MaskPainter.COLOURS.get(1));
        UByteIndexer px = img.createIndexer();
        assertEquals(0, px.get(205, 200, 0), "nose tip visible");
        assertNotEquals(0, px.get(230, 200, 0), "mouth covered");
    }

    @Test
    void followsAHeadTilt() {
        // Same face rotated 90 degrees (lying on its side): the mask must rotate with it.
        FaceLandmarks tilted = new FaceLandmarks(new Box(140, 150, 260, 250),
                new Point(220, 180), new Point(220, 220), new Point(195, 200), new Point(172, 200),
                new Point(210, 152), new Point(210, 248));
        Mat img = new Mat(400, 400, opencv_core.CV_8UC3, new Scalar(0, 0, 0, 0));
        MaskPainter.paint(img, tilted, MaskPainter.Fit.PROPER, MaskPainter.COLOURS.get(1));
        UByteIndexer px = img.createIndexer();
        assertTrue(px.get(200, 172, 0) > 200, "mouth covered");
        assertEquals(0, px.get(180, 220, 0), "eye visible");
    }
}
