package io.maskwatch.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heat map is the map of the PREDICTED class. A model whose head is set by hand so that class 0
 * looks only at feature channel A and class 1 only at channel B: the two classes' (contrastive) maps
 * are then norm(F_A - F_B) and norm(F_B - F_A), opposites, and the bias decides which is predicted.
 * Loaded and run through the public {@link MaskClassifier} API.
 */
class CamOfPredictedClassTest {
    private static final int SIZE = 64;

    /** A crop with structure (a bright block top-left, noise elsewhere), so feature maps are not flat. */
    private static RgbImage crop() {
        Random r = new Random(11);
        byte[] px = new byte[SIZE * SIZE * 3];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                for (int c = 0; c < 3; c++) {
                    int v = x < 24 && y < 24 ? 230 - 40 * c : r.nextInt(120);
                    px[(y * SIZE + x) * 3 + c] = (byte) v;
                }
            }
        }
        return new RgbImage(SIZE, SIZE, px);
    }

    private record Built(Path dir, float[] mapA, float[] mapB) {
    }

    /** Writes a 2-class model whose head reads channel A for class 0 and B for class 1, with bias {@code bias}. */
    private static Built build(Path dir, float[] bias) throws Exception {
        Files.createDirectories(dir);
        Path weights = dir.resolve("mask-classifier-0000.params");
        float[] mapA;
        float[] mapB;
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), MaskClassifier.ENGINE)) {
            m.getEngine().setRandomSeed(3);
            MaskNet net = new MaskNet(TestModels.TINY, 2);
            net.initializeForTraining(m, SIZE);
            FacePreprocessor pre = new FacePreprocessor(SIZE, FacePreprocessor.IMAGENET_MEAN, FacePreprocessor.IMAGENET_STD);
            NDArray feats = net.forwardWithFeatures(new ParameterStore(m, false),
                    new NDList(pre.toBatch(m, List.of(crop()))), false).get(1);
            int channels = (int) feats.getShape().get(1);
            int hw = (int) (feats.getShape().get(2) * feats.getShape().get(3));
            float[] f = feats.toFloatArray();
            // A and B: the two channels whose difference varies most over the map, so the maps are far from flat.
            int a = 0;
            int b = 1;
            double best = -1;
            for (int i = 0; i < channels; i++) {
                for (int j = i + 1; j < channels; j++) {
                    double s = spread(f, i, j, hw);
                    if (s > best) {
                        best = s;
                        a = i;
                        b = j;
                    }
                }
            }
            assertTrue(best > 1e-3, "feature maps too flat for this test: " + best);
            mapA = new float[hw];
            mapB = new float[hw];
            System.arraycopy(f, a * hw, mapA, 0, hw);
            System.arraycopy(f, b * hw, mapB, 0, hw);
            float[] w = new float[2 * channels];
            w[a] = 1;
            w[channels + b] = 1;
            net.classifierWeight().set(w);
            net.classifierBias().set(bias);
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(weights))) {
                net.saveParameters(new DataOutputStream(os));
            }
        }
        new ModelMetadata(ModelMetadata.FORMAT_VERSION, "mask-classifier", TestModels.TINY, List.of("mask", "no_mask"), SIZE,
                FacePreprocessor.IMAGENET_MEAN, FacePreprocessor.IMAGENET_STD, weights.getFileName().toString(),
                MaskClassifier.sha256(weights), "unknown", "2026-01-01T00:00:00Z", Map.of(), Map.of())
                .write(dir.resolve(ModelMetadata.FILE_NAME));
        return new Built(dir, mapA, mapB);
    }

    private static double spread(float[] f, int i, int j, int hw) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int p = 0; p < hw; p++) {
            float d = f[i * hw + p] - f[j * hw + p];
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        return max - min;
    }

    private static float[] minus(float[] x, float[] y) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - y[i];
        }
        return out;
    }

    private static Classification classify(Path dir) {
        try (MaskClassifier c = MaskClassifier.load(dir)) {
            return c.classify(List.of(crop()), true).get(0);
        }
    }

    @Test
    void camIsTheMapOfThePredictedClass(@TempDir Path tmp) throws Exception {
        // Class 0 predicted (bias +20 / -20 outweighs any channel mean): the map of channel A over B.
        Built zero = build(tmp.resolve("zero"), new float[] {20, -20});
        Classification c0 = classify(zero.dir());
        assertEquals(0, c0.predicted());
        float[] expected0 = norm(minus(zero.mapA(), zero.mapB()));
        float[] other0 = norm(minus(zero.mapB(), zero.mapA()));
        assertArrayEquals(expected0, c0.cam().values(), 1e-3f, "CAM of class 0 (norm(F_A - F_B))");
        assertTrue(maxDiff(expected0, other0) > 0.5f, "the two classes' maps differ, so the test can tell them apart");

        // Same weights, class 1 predicted: the opposite map.
        Built one = build(tmp.resolve("one"), new float[] {-20, 20});
        Classification c1 = classify(one.dir());
        assertEquals(1, c1.predicted());
        float[] expected1 = norm(minus(one.mapB(), one.mapA()));
        assertArrayEquals(expected1, c1.cam().values(), 1e-3f, "CAM of class 1 (norm(F_B - F_A))");
        assertArrayEquals(zero.mapA(), one.mapA(), 1e-5f, "same features in both models");
    }

    /** Min-max normalised square map (the input is square, so is the feature map). */
    private static float[] norm(float[] raw) {
        int side = (int) Math.round(Math.sqrt(raw.length));
        return ClassActivationMaps.normalised(side, side, raw).values();
    }

    private static float maxDiff(float[] x, float[] y) {
        float d = 0;
        for (int i = 0; i < x.length; i++) {
            d = Math.max(d, Math.abs(x[i] - y[i]));
        }
        return d;
    }
}
