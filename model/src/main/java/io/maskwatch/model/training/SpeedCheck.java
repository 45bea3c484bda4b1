package io.maskwatch.model.training;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.maskwatch.model.MaskClassifier;
import io.maskwatch.model.MaskNet;
import io.maskwatch.model.ModelMetadata;
import io.maskwatch.model.RgbImage;
import io.maskwatch.model.net.ImageNetWeights;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Inference speed of an architecture before training it: writes an untrained model of that shape
 * (ImageNet body when given) to a temporary folder, loads it as the services do and times
 * {@link MaskClassifier#classify} with heat maps at batch 1 and 16. Speed does not depend on the weights.
 */
final class SpeedCheck {
    private SpeedCheck() {
    }

    static Map<String, Object> measure(MaskNet.Spec spec, int size, int classes, Path init, int runs) throws IOException {
        Path dir = Files.createTempDirectory("maskwatch-speed");
        try {
            Path weights = dir.resolve("speed-0000.params");
            try (NDManager m = NDManager.newBaseManager(Device.cpu(), MaskClassifier.ENGINE)) {
                MaskNet net = new MaskNet(spec, classes);
                net.initializeForTraining(m, size);
                if (init != null) {
                    ImageNetWeights.load(init, net, false);
                }
                try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(weights))) {
                    net.saveParameters(new DataOutputStream(os));
                }
            }
            List<String> names = List.of("mask", "no_mask", "incorrect").subList(0, classes);
            new ModelMetadata(ModelMetadata.FORMAT_VERSION, "speed", spec, names, size, ImageNetWeights.MEAN,
                    ImageNetWeights.STD, weights.getFileName().toString(), MaskClassifier.sha256(weights), "unknown",
                    "1970-01-01T00:00:00Z", Map.of(), Map.of()).write(dir.resolve(ModelMetadata.FILE_NAME));
            Random r = new Random(1);
            List<RgbImage> crops = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                byte[] px = new byte[96 * 96 * 3];
                r.nextBytes(px);
                crops.add(new RgbImage(96, 96, px));
            }
            try (MaskClassifier c = MaskClassifier.load(dir)) {
                System.err.printf("%s width %.2f, %d px, %d classes:%n", spec.family(), spec.width(), size, classes);
                return TrainCommand.latency(c, crops, runs);
            }
        } finally {
            io.maskwatch.common.io.Directories.deleteRecursively(dir);
        }
    }
}
