package io.maskwatch.model.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.maskwatch.model.MaskClassifier;
import io.maskwatch.model.MaskNet;
import io.maskwatch.model.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A few real training steps on a handful of real crops: finite loss, checkpoint, resume, publish. */
class TrainingSmokeTest {
    @TempDir
    Path tmp;

    private Path tinyDataset() throws IOException {
        Path shared = TestModels.sharedDir();
        assumeTrue(shared != null, "../shared/datasets/face-masks not found; skipping the training smoke test");
        Path src = shared.resolve("datasets/face-masks");
        Path data = tmp.resolve("data");
        StringBuilder manifest = new StringBuilder("split\tlabel\tfile\tsource_set\n");
        for (String split : List.of("train", "test")) {
            for (String cls : List.of("mask", "no_mask")) {
                Path out = Files.createDirectories(data.resolve(split).resolve(cls));
                try (Stream<Path> s = Files.list(src.resolve(split).resolve(cls))) {
                    int i = 0;
                    for (Path f : s.sorted().limit(split.equals("train") ? 12 : 4).toList()) {
                        Files.copy(f, out.resolve(f.getFileName()));
                        manifest.append(split).append('\t').append(cls).append('\t').append(split).append('/')
                                .append(cls).append('/').append(f.getFileName()).append('\t')
                                .append(i++ % 2 == 0 ? "a" : "b").append('\n');
                    }
                }
            }
        }
        Files.writeString(data.resolve("MANIFEST.tsv"), manifest);
        return data;
    }

    private static TrainOptions options(Path data, Path out, int epochs, boolean resume) {
        return new TrainOptions(List.of(data), out, "mask-classifier", 32, 0.25f, epochs, 4, 0.002f, 0f, 2, 8, 0.25, 10, 1,
                resume, 0, Set.of(), null, 0);
    }

    @Test
    void trainsCheckpointsResumesAndPublishesALoadableModel() throws Exception {
        Path data = tinyDataset();
        Path out = tmp.resolve("models");
        MaskTrainer.Result first = new MaskTrainer(options(data, out, 2, false)).run();
        assertEquals(2, first.state().epochsDone());
        assertEquals(4, first.state().globalStep());
        for (Map<String, Object> h : first.state().history()) {
            double loss = ((Number) h.get("train_loss")).doubleValue();
            assertTrue(Double.isFinite(loss) && loss > 0, "finite training loss: " + loss);
        }
        Path ckpt = out.resolve(".checkpoints/mask-classifier");
        assertTrue(Files.isRegularFile(ckpt.resolve("last.params")));
        assertTrue(Files.isRegularFile(ckpt.resolve("state.json")));

        MaskTrainer.Result resumed = new MaskTrainer(options(data, out, 3, true)).run();
        assertEquals(3, resumed.state().epochsDone());
        assertEquals(6, resumed.state().globalStep(), "resume continues the step count (and LR schedule)");
        assertEquals(3, resumed.state().history().size(), "history of the first run is kept");

        // Validation split is stratified by source set: both of the tiny manifest's sources appear.
        Map<?, ?> val = (Map<?, ?>) resumed.metadata().training().get("validation_crops_by_source");
        assertEquals(Set.of("a", "b"), val.keySet());

        try (MaskClassifier c = MaskClassifier.load(out.resolve("mask-classifier"))) {
            assertEquals(List.of("mask", "no_mask"), c.classes());
            assertEquals(32, c.inputSize());
            assertFalse(c.classify(List.of(TestModels.solid(20, 20, 1, 2, 3)), true).isEmpty());
        }
    }

    @Test
    void resumeWithoutCheckpointIsAClearError() throws Exception {
        Path data = tinyDataset();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MaskTrainer(options(data, tmp.resolve("empty"), 1, true)).run());
        assertTrue(e.getMessage().contains("no checkpoint"), e.getMessage());
    }

    @Test
    void startsFromImageNetWithThreeClassesFromTwoRoots() throws Exception {
        Path data = tinyDataset();
        Path tflite = TestModels.sharedDir().resolve("models/imagenet-mobilenetv2/mobilenet_v2_1.0_224_quant.tflite");
        assumeTrue(Files.isRegularFile(tflite), "ImageNet TFLite file not found; skipping");
        // A second root with only train/ and a small third class (and no MANIFEST.tsv).
        Path second = tmp.resolve("scenes-train");
        Path incorrect = Files.createDirectories(second.resolve("train/incorrect"));
        Path mask = Files.createDirectories(second.resolve("train/mask"));
        try (Stream<Path> s = Files.list(data.resolve("train/no_mask"))) {
            for (Path f : s.sorted().limit(5).toList()) {
                Files.copy(f, incorrect.resolve(f.getFileName()));
            }
        }
        try (Stream<Path> s = Files.list(data.resolve("train/mask"))) {
            Path f = s.sorted().findFirst().orElseThrow();
            Files.copy(f, mask.resolve("other-" + f.getFileName()));
        }
        Path out = tmp.resolve("models");
        TrainOptions o = new TrainOptions(List.of(data, second), out, "mask-classifier", 64, 1.0f, 1, 4, 0.001f, 0f,
                2, 12, 0.25, 10, 1, false, 0, Set.of(), List.of("mask", "no_mask", "incorrect"), 0, tflite, 0.1f, 16);
        MaskTrainer.Result r = new MaskTrainer(o).run();
        double loss = ((Number) r.state().history().get(0).get("train_loss")).doubleValue();
        assertTrue(Double.isFinite(loss) && loss > 0, "finite training loss: " + loss);
        assertEquals(MaskNet.Spec.MOBILENET_V2_TF, r.metadata().architecture().family());
        assertEquals(2, ((List<?>) r.metadata().training().get("data_roots")).size());
        assertTrue(((String) r.metadata().training().get("init")).startsWith("imagenet="));
        Map<?, ?> bySource = (Map<?, ?>) r.metadata().training().get("train_crops_by_source");
        assertTrue(bySource.containsKey("scenes-train"), "crops of a root without manifest are named by the root: " + bySource);
        try (MaskClassifier c = MaskClassifier.load(out.resolve("mask-classifier"))) {
            assertEquals(List.of("mask", "no_mask", "incorrect"), c.classes());
            assertEquals(0.5f, c.metadata().mean()[0], 1e-6);
            var res = c.classify(List.of(TestModels.solid(40, 40, 200, 150, 120)), true);
            assertEquals(3, res.get(0).probabilities().length);
            assertEquals(4, res.get(0).cam().width(), "64 px at output stride 16");
        }
    }

    @Test
    void aSmallThirdClassIsOversampled() {
        List<FaceDataset.Sample> samples = new java.util.ArrayList<>();
        for (int i = 0; i < 103; i++) {
            samples.add(new FaceDataset.Sample(Path.of("f" + i), i < 60 ? 0 : i < 100 ? 1 : 2, "s"));
        }
        int[] order = MaskTrainer.epochOrder(samples, 3, 90, new java.util.Random(1));
        long small = java.util.Arrays.stream(order).filter(i -> samples.get(i).label() == 2).count();
        assertEquals(30, small, "3 crops of the small class drawn 10 times each");
        assertEquals(3, java.util.Arrays.stream(order).filter(i -> samples.get(i).label() == 2).distinct().count());
    }

    @Test
    void epochsAreClassBalanced() {
        List<FaceDataset.Sample> samples = new java.util.ArrayList<>();
        for (int i = 0; i < 90; i++) {
            samples.add(new FaceDataset.Sample(Path.of("f" + i), i < 80 ? 0 : 1, "s"));
        }
        int[] order = MaskTrainer.epochOrder(samples, 2, 40, new java.util.Random(1));
        long ones = java.util.Arrays.stream(order).filter(i -> samples.get(i).label() == 1).count();
        assertEquals(40, order.length);
        assertEquals(20, ones, "minority class drawn as often as the majority");
    }
}
