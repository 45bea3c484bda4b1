package io.maskwatch.model.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.model.RgbImage;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AugmenterTest {
    /** Sharp vertical stripes: maximal high-frequency content. */
    private static RgbImage stripes(int w, int h) {
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                Arrays.fill(px, (y * w + x) * 3, (y * w + x) * 3 + 3, (byte) (x % 2 == 0 ? 30 : 220));
            }
        }
        return new RgbImage(w, h, px);
    }

    /** Mean absolute difference between horizontal neighbours: a simple sharpness measure. */
    private static double sharpness(RgbImage img) {
        double sum = 0;
        for (int y = 0; y < img.height(); y++) {
            for (int x = 1; x < img.width(); x++) {
                sum += Math.abs(img.get(x, y, 1) - img.get(x - 1, y, 1));
            }
        }
        return sum / (img.height() * (img.width() - 1));
    }

    private static double error(RgbImage a, RgbImage b) {
        double sum = 0;
        for (int i = 0; i < a.rgb().length; i++) {
            sum += Math.abs((a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff));
        }
        return sum / a.rgb().length;
    }

    @Test
    void keepsSizeAndIsReproducibleForASeed() {
        Augmenter a = new Augmenter(Augmenter.Settings.DEFAULT);
        RgbImage in = stripes(90, 110);
        RgbImage one = a.apply(in, new Random(3));
        RgbImage two = a.apply(in, new Random(3));
        assertEquals(90, one.width());
        assertEquals(110, one.height());
        assertArrayEquals(one.rgb(), two.rgb());
        assertFalse(Arrays.equals(one.rgb(), a.apply(in, new Random(4)).rgb()));
    }

    @Test
    void degradationsRemoveFineDetailSoSharpnessCannotTellTheClassesApart() {
        RgbImage in = stripes(100, 100);
        double original = sharpness(in);
        assertTrue(sharpness(Augmenter.gaussianBlur(in, 1.2)) < original * 0.2, "blur");
        Augmenter downUpOnly = new Augmenter(new Augmenter.Settings(0, 1, 1, 0, 0, 0, 1.0, 24, 24, 0, 0, 50, 50, 0));
        assertTrue(sharpness(downUpOnly.apply(in, new Random(1))) < original * 0.2, "shrink to 24 px and back");
        // JPEG: lower quality, larger error (block artefacts a camera stream also has).
        assertTrue(error(in, Augmenter.jpeg(in, 25)) > error(in, Augmenter.jpeg(in, 85)), "JPEG q25 vs q85");
        assertTrue(error(in, Augmenter.jpeg(in, 85)) > 0, "JPEG changes pixels");
    }

    @Test
    void colourJitterStaysInRangeAndChangesTheImage() {
        Augmenter colourOnly = new Augmenter(new Augmenter.Settings(0, 1, 1, 0, 0.35, 0, 0, 16, 16, 0, 0, 50, 50, 0));
        RgbImage in = stripes(40, 40);
        RgbImage out = colourOnly.colour(in, new Random(9));
        assertFalse(Arrays.equals(in.rgb(), out.rgb()));
    }
}
