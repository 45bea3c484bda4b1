package io.maskwatch.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Small random-initialised models and shared-folder lookup for tests. */
public final class TestModels {
    public static final MaskNet.Spec TINY = new MaskNet.Spec(MaskNet.Spec.MOBILENET_V2, 0.25f,
            MaskNet.Spec.DEFAULT.strides());

    private TestModels() {
    }

    /** Writes a random-weights model (weights + valid metadata) into {@code dir}. */
    public static ModelMetadata writeRandomModel(Path dir, List<String> classes, int inputSize) throws IOException {
        Files.createDirectories(dir);
        Path weights = dir.resolve("mask-classifier-0000.params");
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), MaskClassifier.ENGINE)) {
            MaskNet net = new MaskNet(TINY, classes.size());
            net.initializeForTraining(m, inputSize);
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(weights))) {
                net.saveParameters(new DataOutputStream(os));
            }
        }
        ModelMetadata md = new ModelMetadata(ModelMetadata.FORMAT_VERSION, "mask-classifier", TINY, classes, inputSize,
                FacePreprocessor.IMAGENET_MEAN, FacePreprocessor.IMAGENET_STD, weights.getFileName().toString(),
                MaskClassifier.sha256(weights), "unknown", "2026-01-01T00:00:00Z", Map.of(), Map.of());
        md.write(dir.resolve(ModelMetadata.FILE_NAME));
        return md;
    }

    /** ../shared, from the system property set by the build or MASKWATCH_SHARED_DIR; null when absent. */
    public static Path sharedDir() {
        String p = System.getProperty("maskwatch.shared.dir", System.getenv("MASKWATCH_SHARED_DIR"));
        if (p == null) {
            return null;
        }
        Path dir = Path.of(p);
        return Files.isDirectory(dir.resolve("datasets/face-masks/test")) ? dir : null;
    }

    public static Path projectDir() {
        return Path.of(System.getProperty("maskwatch.project.dir", ".."));
    }

    public static RgbImage solid(int w, int h, int r, int g, int b) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[i * 3] = (byte) r;
            px[i * 3 + 1] = (byte) g;
            px[i * 3 + 2] = (byte) b;
        }
        return new RgbImage(w, h, px);
    }
}
