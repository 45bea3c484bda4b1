package io.maskwatch.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class ClassActivationMapsTest {

    @Test
    void meanOfEachClassMapPlusBiasIsThatClassLogit() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), MaskClassifier.ENGINE)) {
            MaskNet net = new MaskNet(TestModels.TINY, 3);
            net.initializeForTraining(m, 64);
            // A non-zero bias, so the test would notice it being dropped.
            net.classifierBias().set(new float[] {0.3f, -1.2f, 0.7f});
            m.getEngine().setRandomSeed(5);
            NDArray x = m.randomNormal(new Shape(4, 3, 64, 64));
            NDList out = net.forwardWithFeatures(new ParameterStore(m, false), new NDList(x), false);
            NDArray logits = out.get(0);
            NDArray feats = out.get(1);
            assertEquals(new Shape(4, 3), logits.getShape());
            // Output stride 16: 64 px in, 4x4 features out.
            assertEquals(4, feats.getShape().get(2));
            assertEquals(4, feats.getShape().get(3));
            NDArray cams = ClassActivationMaps.raw(feats, net.classifierWeight());
            assertEquals(new Shape(4, 3, 4, 4), cams.getShape());
            float[] meanPlusBias = cams.reshape(4, 3, 16).mean(new int[] {2}).add(net.classifierBias()).toFloatArray();
            float[] expected = logits.toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], meanPlusBias[i], 1e-4 * Math.max(1, Math.abs(expected[i])), "logit " + i);
            }
            // Contrastive maps: mean + centred bias == centred logit (what softmax depends on).
            NDArray con = ClassActivationMaps.contrastive(feats, net.classifierWeight());
            NDArray centredBias = net.classifierBias().sub(net.classifierBias().mean());
            float[] conMean = con.reshape(4, 3, 16).mean(new int[] {2}).add(centredBias).toFloatArray();
            float[] centredLogits = logits.sub(logits.mean(new int[] {1}, true)).toFloatArray();
            for (int i = 0; i < centredLogits.length; i++) {
                assertEquals(centredLogits[i], conMean[i], 1e-4 * Math.max(1, Math.abs(centredLogits[i])), "centred logit " + i);
            }
            // forward() (used by training) returns the same logits as forwardWithFeatures().
            assertArrayEquals(expected, net.forward(new ParameterStore(m, false), new NDList(x), false)
                    .singletonOrThrow().toFloatArray(), 1e-5f);
        }
    }

    @Test
    void mapsOfABatchStayOnTheBatchManagerNotTheModels() {
        try (NDManager model = NDManager.newBaseManager(Device.cpu(), MaskClassifier.ENGINE)) {
            MaskNet net = new MaskNet(TestModels.TINY, 3);
            net.initializeForTraining(model, 64);
            try (NDManager batch = model.newSubManager()) {
                NDArray feats = net.forwardWithFeatures(new ParameterStore(batch, false),
                        new NDList(batch.randomNormal(new Shape(2, 3, 64, 64))), false).get(1);
                NDArray r = ClassActivationMaps.raw(feats, net.classifierWeight());
                NDArray c = ClassActivationMaps.contrastive(feats, net.classifierWeight());
                // On the model's manager they would outlive the batch: native memory growing per call (issue #13).
                assertTrue(r.getManager() == batch, "raw maps on " + r.getManager() + ", not the batch's " + batch);
                assertTrue(c.getManager() == batch, "contrastive maps on " + c.getManager() + ", not the batch's " + batch);
                assertEquals(new Shape(2, 3, 4, 4), c.getShape());
            }
        }
    }

    @Test
    void normalisationMapsToUnitRangeAndFlatMapsToZero() {
        ClassActivationMap cam = ClassActivationMaps.normalised(2, 2, new float[] {-2, 0, 2, 6});
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 1}, cam.values(), 1e-6f);
        assertEquals(0.5f, cam.get(0, 1), 1e-6f);
        ClassActivationMap flat = ClassActivationMaps.normalised(2, 1, new float[] {3, 3});
        assertArrayEquals(new float[] {0, 0}, flat.values());
        assertTrue(flat.width() == 2 && flat.height() == 1);
    }
}
