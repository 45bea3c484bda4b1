package io.maskwatch.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FacePreprocessorTest {
    private final FacePreprocessor pre = new FacePreprocessor(32, FacePreprocessor.IMAGENET_MEAN,
            FacePreprocessor.IMAGENET_STD);

    private static RgbImage random(int w, int h, long seed) {
        byte[] px = new byte[w * h * 3];
        new Random(seed).nextBytes(px);
        return new RgbImage(w, h, px);
    }

    @Test
    void normalisesEachChannelWithMeanAndStd() {
        float[] chw = pre.toChw(TestModels.solid(50, 70, 255, 0, 128));
        assertEquals(3 * 32 * 32, chw.length);
        float r = (1f - 0.485f) / 0.229f;
        float g = (0f - 0.456f) / 0.224f;
        float b = (128 / 255f - 0.406f) / 0.225f;
        for (int i = 0; i < 32 * 32; i++) {
            assertEquals(r, chw[i], 1e-5);
            assertEquals(g, chw[32 * 32 + i], 1e-5);
            assertEquals(b, chw[2 * 32 * 32 + i], 1e-5);
        }
    }

    @Test
    void layoutIsChannelMajorAndRowMajor() {
        // Left half black, right half white: x decides the value, in every channel plane.
        RgbImage img = TestModels.solid(32, 32, 0, 0, 0);
        for (int y = 0; y < 32; y++) {
            for (int x = 16; x < 32; x++) {
                for (int c = 0; c < 3; c++) {
                    img.rgb()[(y * 32 + x) * 3 + c] = (byte) 255;
                }
            }
        }
        float[] chw = pre.toChw(img);
        assertEquals((0 - 0.456f) / 0.224f, chw[32 * 32 + 5 * 32 + 3], 1e-5);
        assertEquals((1 - 0.456f) / 0.224f, chw[32 * 32 + 5 * 32 + 20], 1e-5);
    }

    @Test
    void resizesAnySizeToTheInputSquare() {
        for (int[] s : new int[][] {{7, 9}, {32, 32}, {100, 40}, {300, 310}}) {
            RgbImage out = pre.resize(random(s[0], s[1], 1));
            assertEquals(32, out.width());
            assertEquals(32, out.height());
        }
        RgbImage same = random(32, 32, 2);
        assertSame(same, pre.resize(same));
    }

    @Test
    void bilinearUpscaleInterpolatesBetweenPixels() {
        RgbImage two = new RgbImage(2, 1, new byte[] {0, 0, 0, (byte) 200, (byte) 200, (byte) 200});
        RgbImage four = FacePreprocessor.resize(two, 4, 1);
        // Half-pixel centres: outputs sample at x = -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
        assertEquals(0, four.get(0, 0, 0));
        assertEquals(50, four.get(1, 0, 0));
        assertEquals(150, four.get(2, 0, 0));
        assertEquals(200, four.get(3, 0, 0));
    }

    @Test
    void largeDownscaleAveragesInsteadOfAliasing() {
        // A fine checkerboard must become mid-grey, not black or white.
        RgbImage board = TestModels.solid(256, 256, 0, 0, 0);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                if ((x + y) % 2 == 0) {
                    for (int c = 0; c < 3; c++) {
                        board.rgb()[(y * 256 + x) * 3 + c] = (byte) 255;
                    }
                }
            }
        }
        RgbImage small = pre.resize(board);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                assertEquals(128, small.get(x, y, 1), 2);
            }
        }
    }

    @Test
    void trainingAndInferencePathsProduceTheSameTensor() {
        // Training writes pre.toChw(...) into its batch buffer; inference builds pre.toBatch(...).
        List<RgbImage> crops = List.of(random(61, 77, 3), random(128, 128, 4), random(20, 18, 5));
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), MaskClassifier.ENGINE)) {
            NDArray batch = pre.toBatch(m, crops);
            assertEquals(new Shape(3, 3, 32, 32), batch.getShape());
            float[] fromBatch = batch.toFloatArray();
            float[] training = new float[fromBatch.length];
            for (int i = 0; i < crops.size(); i++) {
                pre.toChw(crops.get(i), training, i * 3 * 32 * 32);
            }
            assertArrayEquals(training, fromBatch);
        }
    }

    @Test
    void rejectsBadSettingsAndImages() {
        assertThrows(IllegalArgumentException.class, () -> new FacePreprocessor(8, FacePreprocessor.IMAGENET_MEAN,
                FacePreprocessor.IMAGENET_STD));
        assertThrows(IllegalArgumentException.class, () -> new FacePreprocessor(64, FacePreprocessor.IMAGENET_MEAN,
                new float[] {0.2f, 0f, 0.2f}));
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(2, 2, new byte[11]));
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(0, 2, new byte[0]));
    }
}
