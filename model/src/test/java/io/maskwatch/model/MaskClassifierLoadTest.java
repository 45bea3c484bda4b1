package io.maskwatch.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaskClassifierLoadTest {
    @TempDir
    Path tmp;

    private static void assertMessage(ModelLoadException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message should mention '" + p + "': " + e.getMessage());
        }
    }

    @Test
    void missingDirectorySaysHowToGetAModel() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> MaskClassifier.load(tmp.resolve("nope")));
        assertMessage(e, "nope", "does not exist", "./maskwatch train");
    }

    @Test
    void missingMetadataIsNamed() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> MaskClassifier.load(tmp));
        assertMessage(e, "mask-classifier.json", "./maskwatch train");
    }

    @Test
    void missingWeightsAreNamed() throws IOException {
        Path dir = tmp.resolve("m");
        TestModels.writeRandomModel(dir, List.of("mask", "no_mask"), 64);
        Files.delete(dir.resolve("mask-classifier-0000.params"));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> MaskClassifier.load(dir));
        assertMessage(e, "mask-classifier-0000.params", "missing", "retrain");
    }

    @Test
    void checksumMismatchIsRejectedBeforeLoading() throws IOException {
        Path dir = tmp.resolve("m");
        ModelMetadata md = TestModels.writeRandomModel(dir, List.of("mask", "no_mask"), 64);
        Path weights = dir.resolve(md.weightsFile());
        byte[] b = Files.readAllBytes(weights);
        b[b.length / 2] ^= 0x5a;
        Files.write(weights, b);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> MaskClassifier.load(dir));
        assertMessage(e, "SHA-256", md.weightsSha256(), "different training runs");
    }

    @Test
    void unknownClassNamesAreRejected() throws IOException {
        Path dir = tmp.resolve("m");
        TestModels.writeRandomModel(dir, List.of("mask", "no_mask"), 64);
        Path json = dir.resolve(ModelMetadata.FILE_NAME);
        Files.writeString(json, Files.readString(json).replace("\"no_mask\"", "\"beard\""));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> MaskClassifier.load(dir));
        assertMessage(e, "classes", "beard", "no_mask");
    }

    @Test
    void malformedJsonIsReported() throws IOException {
        Path dir = tmp.resolve("m");
        TestModels.writeRandomModel(dir, List.of("mask", "no_mask"), 64);
        Files.writeString(dir.resolve(ModelMetadata.FILE_NAME), "{ not json", StandardCharsets.UTF_8);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> MaskClassifier.load(dir));
        assertMessage(e, "not valid JSON");
    }

    @Test
    void weightsOfAnotherArchitectureAreReported() throws IOException {
        Path dir = tmp.resolve("m");
        TestModels.writeRandomModel(dir, List.of("mask", "no_mask"), 64);
        // Metadata claims 3 classes, the weights have a 2-class head; checksum still matches.
        Path json = dir.resolve(ModelMetadata.FILE_NAME);
        ModelMetadata md = ModelMetadata.read(json);
        new ModelMetadata(md.formatVersion(), md.name(), md.architecture(), List.of("incorrect", "mask", "no_mask"),
                md.inputSize(), md.mean(), md.std(), md.weightsFile(), md.weightsSha256(), "unknown", md.createdAt(),
                Map.of(), Map.of()).write(json);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> MaskClassifier.load(dir));
        assertMessage(e, "does not fit", "3 classes");
    }

    @Test
    void loadsAValidModelAndClassifiesABatchWithMaps() throws IOException {
        Path dir = tmp.resolve("m");
        ModelMetadata md = TestModels.writeRandomModel(dir, List.of("mask", "no_mask"), 64);
        try (MaskClassifier c = MaskClassifier.load(dir)) {
            assertEquals(List.of("mask", "no_mask"), c.classes());
            assertEquals(64, c.inputSize());
            assertEquals("mask-classifier@" + md.weightsSha256().substring(0, 12), c.modelId());
            byte[] px = new byte[40 * 50 * 3];
            new Random(1).nextBytes(px);
            List<Classification> r = c.classify(List.of(new RgbImage(40, 50, px), TestModels.solid(200, 180, 9, 9, 9)), true);
            assertEquals(2, r.size());
            for (Classification one : r) {
                assertEquals(1.0, one.probabilities()[0] + one.probabilities()[1], 1e-5);
                assertEquals(one.logits()[0] >= one.logits()[1] ? 0 : 1, one.predicted());
                assertNotNull(one.cam());
                assertEquals(4, one.cam().width());
                assertEquals(4, one.cam().height());
                for (float v : one.cam().values()) {
                    assertTrue(v >= 0 && v <= 1, "CAM value in [0,1]: " + v);
                }
            }
            assertNull(c.classify(List.of(TestModels.solid(10, 10, 1, 2, 3)), false).get(0).cam());
            assertTrue(c.classify(List.of(), true).isEmpty());
        }
    }
}
