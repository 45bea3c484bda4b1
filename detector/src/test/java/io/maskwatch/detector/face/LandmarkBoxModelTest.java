package io.maskwatch.detector.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.contract.Box;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The landmark box regression: features, the ridge fit on a known linear case, the text form. */
class LandmarkBoxModelTest {
    private static final double[] BASE = {0.3, 0.4, 0.7, 0.4, 0.5, 0.6, 0.35, 0.8, 0.65, 0.8};

    /** A face whose nose sits {@code noseX} of the way across the box; other landmarks jittered by {@code r}. */
    private static DetectedFace face(double x1, double y1, double w, double h, double noseX, Random r) {
        float[] lm = new float[10];
        for (int i = 0; i < 10; i++) {
            double frac = (i == 4 ? noseX : BASE[i]) + (r == null || i == 4 ? 0 : 0.05 * r.nextGaussian());
            lm[i] = (float) (i % 2 == 0 ? x1 + frac * w : y1 + frac * h);
        }
        return new DetectedFace(new Box(x1, y1, x1 + w, y1 + h), 0.9f, lm);
    }

    private static DetectedFace face(double x1, double y1, double w, double h, double noseX) {
        return face(x1, y1, w, h, noseX, null);
    }

    @Test
    void recoversAPoseDependentShiftExactly() {
        // Annotators' boxes: centre moves right by (noseX - 0.5) box widths, 10% taller, 5% down.
        Random r = new Random(7);
        List<DetectedFace> det = new ArrayList<>();
        List<Box> truth = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            double w = 40 + r.nextDouble() * 100, h = w * (1.1 + 0.2 * r.nextDouble()), nose = 0.3 + 0.4 * r.nextDouble();
            DetectedFace f = face(r.nextDouble() * 500, r.nextDouble() * 300, w, h, nose, r);
            double cx = f.box().centerX() + (nose - 0.5) * w, cy = f.box().centerY() + 0.05 * h, th = 1.1 * h;
            det.add(f);
            truth.add(new Box(cx - w / 2, cy - th / 2, cx + w / 2, cy + th / 2));
        }
        LandmarkBoxModel m = LandmarkBoxModel.fit(det, truth, 0);
        DetectedFace turned = face(100, 100, 80, 100, 0.62);
        Box b = m.apply(turned);
        assertEquals(140 + 0.12 * 80, b.centerX(), 1e-3, "moved towards the nose");
        assertEquals(150 + 5, b.centerY(), 1e-3);
        assertEquals(80, b.width(), 1e-3);
        assertEquals(110, b.height(), 1e-3);
    }

    @Test
    void aFaceWithoutLandmarksKeepsItsBox() {
        LandmarkBoxModel m = new LandmarkBoxModel(new double[12][4]);
        DetectedFace bare = new DetectedFace(new Box(1, 2, 30, 40), 0.5f, null);
        assertSame(bare.box(), m.apply(bare));
    }

    @Test
    void textFormRoundTripsAndBadFilesSayWhatIsWrong() {
        double[][] w = new double[12][4];
        w[0][1] = 0.05;
        w[11][3] = -0.25;
        LandmarkBoxModel m = new LandmarkBoxModel(w);
        String text = m.format(List.of("fitted on a test"));
        assertTrue(text.startsWith("# fitted on a test\n"), text);
        assertEquals(m, LandmarkBoxModel.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LandmarkBoxModel.read(
                new ByteArrayInputStream("1 2 3 4\n".getBytes(StandardCharsets.UTF_8)), "short.txt"));
        assertTrue(e.getMessage().contains("short.txt") && e.getMessage().contains("12 rows"), e.getMessage());
    }

    @Test
    void tooFewFacesToFitIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LandmarkBoxModel.fit(
                List.of(face(0, 0, 50, 60, 0.5)), List.of(new Box(0, 0, 50, 60)), 0.1));
        assertTrue(e.getMessage().contains("at least 12"), e.getMessage());
    }

    @Test
    void committedModelsLoad() {
        assertTrue(new RetinaFaceBackend().landmarkBoxModel().isPresent());
        assertTrue(new RetinaUltraFaceBackend().landmarkBoxModel().isPresent());
    }
}
