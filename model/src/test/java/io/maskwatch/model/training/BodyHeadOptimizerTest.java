package io.maskwatch.model.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.maskwatch.model.MaskClassifier;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BodyHeadOptimizerTest {
    @Test
    void bodyParametersGetTheBodyOptimizer() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), MaskClassifier.ENGINE)) {
            Optimizer body = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build();
            Optimizer head = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(1f)).build();
            BodyHeadOptimizer o = new BodyHeadOptimizer(Set.of("body-id"), body, head);
            NDArray wb = m.create(new float[] {1f, 1f});
            NDArray wh = m.create(new float[] {1f, 1f});
            NDArray g = m.create(new float[] {1f, 2f});
            o.update("body-id", wb, g);
            o.update("head-id", wh, g);
            assertArrayEquals(new float[] {0.9f, 0.8f}, wb.toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0f, -1f}, wh.toFloatArray(), 1e-6f);
            assertEquals(2, wb.size());
        }
    }
}
