package io.maskwatch.detector.heatmap;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.detector.frame.Jpeg;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class HeatmapRendererTest {
    private final HeatmapRenderer renderer = new HeatmapRenderer(HeatmapRenderer.Colormap.JET, 0.5, 90);

    @Test
    void upsamplingAConstantMapKeepsItConstant() {
        float[] up = HeatmapRenderer.upsample(new float[] {0.3f, 0.3f, 0.3f, 0.3f}, 2, 2, 7, 5);
        for (float v : up) {
            assertEquals(0.3f, v, 1e-6);
        }
    }

    @Test
    void upsamplingInterpolatesBetweenPixelCentresAndClampsAtEdges() {
        // 2x1 map [0, 1] to 4x1: centres at source x = -0.25, 0.25, 0.75, 1.25 -> 0, 0.25, 0.75, 1
        float[] up = HeatmapRenderer.upsample(new float[] {0f, 1f}, 2, 1, 4, 1);
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, up, 1e-6f);
    }

    @Test
    void upsamplingMatchesOpenCvBilinear() {
        float[] cam = new float[7 * 7];
        for (int i = 0; i < cam.length; i++) {
            cam[i] = (float) Math.abs(Math.sin(i * 0.7));
        }
        float[] mine = HeatmapRenderer.upsample(cam, 7, 7, 96, 96);
        try (Mat src = new Mat(7, 7, org.bytedeco.opencv.global.opencv_core.CV_32FC1); Mat dst = new Mat()) {
            new org.bytedeco.javacpp.FloatPointer(src.data()).put(cam);
            org.bytedeco.opencv.global.opencv_imgproc.resize(src, dst, new org.bytedeco.opencv.opencv_core.Size(96, 96),
                    0, 0, org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR);
            float[] cv = new float[96 * 96];
            new org.bytedeco.javacpp.FloatPointer(dst.data()).get(cv);
            for (int i = 0; i < cv.length; i++) {
                assertEquals(cv[i], mine[i], 2e-3, "pixel " + i);
            }
        }
    }

    @Test
    void rejectsAMapOfTheWrongSize() {
        assertThrows(IllegalArgumentException.class, () -> HeatmapRenderer.upsample(new float[5], 2, 2, 4, 4));
    }

    @Test
    void hotAndColdCellsGetDifferentColours() {
        float[] cam = {0f, 1f};
        try (Mat color = renderer.colorize(HeatmapRenderer.upsample(cam, 2, 1, 20, 10), 20, 10);
             UByteIndexer ix = color.createIndexer()) {
            // JET: cold is blue (B high, R low), hot is red (R high, B low); BGR order
            assertTrue(ix.get(5, 0, 0) > 100 && ix.get(5, 0, 2) < 50, "left is blue");
            assertTrue(ix.get(5, 19, 2) > 100 && ix.get(5, 19, 0) < 50, "right is red");
        }
    }

    @Test
    void blendMixesCropAndColourByAlpha() {
        try (Mat grey = new Mat(10, 20, CV_8UC3, new Scalar(100, 100, 100, 0));
             Mat out = renderer.overlay(grey, new float[] {1f}, 1, 1);
             Mat color = renderer.colorize(new float[] {1f}, 1, 1);
             UByteIndexer o = out.createIndexer(); UByteIndexer c = color.createIndexer()) {
            assertEquals(20, out.cols());
            assertEquals(10, out.rows());
            for (int ch = 0; ch < 3; ch++) {
                assertEquals(0.5 * 100 + 0.5 * c.get(0, 0, ch), o.get(4, 7, ch), 1.0, "channel " + ch);
            }
        }
    }

    @Test
    void renderedHeatMapIsAValidJpegOfTheCropSize() {
        try (Mat crop = new Mat(96, 96, CV_8UC3, new Scalar(30, 120, 200, 0))) {
            float[] cam = new float[16];
            cam[5] = 1f;
            byte[] jpeg = renderer.renderJpeg(crop, cam, 4, 4);
            assertEquals((byte) 0xFF, jpeg[0]);
            assertEquals((byte) 0xD8, jpeg[1]);
            assertEquals((byte) 0xD9, jpeg[jpeg.length - 1]);
            try (Mat back = Jpeg.decode(jpeg)) {
                assertEquals(96, back.cols());
                assertEquals(96, back.rows());
            }
        }
    }
}
