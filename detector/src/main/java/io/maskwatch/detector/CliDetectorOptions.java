package io.maskwatch.detector;

import io.maskwatch.common.cli.Args;
import io.maskwatch.common.config.MaskWatchConfig;
import io.maskwatch.detector.DetectorConfig.Tiling;
import io.maskwatch.detector.face.FaceBackend;
import io.maskwatch.detector.face.FaceBackends;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Detector options shared by {@code analyze}, {@code eval} and the benchmark: the {@code detector}
 * section of an optional {@code --config} file, overridden by command-line flags.
 */
public final class CliDetectorOptions {
    public static final Set<String> WITH_VALUE = Stream.concat(Stream.of("config", "detector", "models", "tile-size",
            "threads", "face-score-threshold", "min-face-size", "crop-margin", "yunet-max-side", "inference-engine"),
            FaceBackends.modelKeys().stream()).collect(Collectors.toUnmodifiableSet());

    public static final String USAGE = """
              --detector NAME          %s (default %s: the best installed, in the order %s)
              --models DIR             mask classifier directory (default models/mask-classifier)
              --config FILE            take the 'detector' section of a MaskWatch config file as defaults
            %s
              --tile-size N            also detect on N x N pixel tiles of large frames (small faces)
              --threads N              inference threads (default 2)
              --inference-engine E     runs retinaface/ultraface: onnxruntime (default) or opencv
              --face-score-threshold X minimum detector confidence (default: the backend's)
              --min-face-size N        drop faces narrower than N pixels (default 16)
              --crop-margin X          classifier crop margin around the face box (default 0)
              --yunet-max-side N       yunet: scale frames down to this longer side first (default 1280, 0 = never)
            """.formatted(String.join(", ", FaceBackends.NAMES), DetectorConfig.DEFAULT_BACKEND,
                    String.join(", ", FaceBackends.preferenceOrder()), modelFileUsage());

    /** One line per backend model file: {@code --yunet-model FILE  yunet: ... (default: model cache)}. */
    private static String modelFileUsage() {
        // A file several backends share (the pair reuses retinaface's and ultraface's) is one flag:
        // listed once, under the backend that owns its cache folder, naming every backend that reads it.
        Map<String, List<String>> users = new LinkedHashMap<>();
        Map<String, String> line = new LinkedHashMap<>();
        for (FaceBackend b : FaceBackends.ALL) {
            for (FaceBackend.ModelFile f : b.modelFiles()) {
                users.computeIfAbsent(f.key(), k -> new ArrayList<>()).add(b.name());
                line.putIfAbsent(f.key(), f.kind() + " (default <model cache>/" + b.cacheFolder(f) + "/" + f.fileName() + ")");
            }
        }
        StringBuilder sb = new StringBuilder();
        line.forEach((key, text) -> sb.append(String.format("  --%-22s %s: %s%n", key + " FILE",
                String.join(", ", users.get(key)), text)));
        return sb.toString().stripTrailing();
    }

    private CliDetectorOptions() {
    }

    public static Set<String> withValue(String... more) {
        return Stream.concat(WITH_VALUE.stream(), Stream.of(more)).collect(Collectors.toUnmodifiableSet());
    }

    public static DetectorConfig from(Args a, Map<String, String> env) {
        DetectorConfig c = a.has("config")
                ? MaskWatchConfig.load(Path.of(a.get("config")), env).section("detector", DetectorConfig.class,
                DetectorConfig.defaults())
                : MaskWatchConfig.empty(env).section("detector", DetectorConfig.class, DetectorConfig.defaults());
        if (a.has("detector")) {
            c = c.withBackend(a.get("detector"));
        }
        if (a.has("models")) {
            c = c.withModelsDir(a.get("models"));
        }
        for (String key : FaceBackends.modelKeys()) {
            if (a.has(key)) {
                c = c.with(key, a.get(key));
            }
        }
        if (a.has("tile-size")) {
            int t = a.intValue("tile-size", 0);
            c = c.withTiling(t <= 0 ? Tiling.off() : Tiling.on(t));
        }
        if (a.has("threads")) {
            c = c.with("threads", a.intValue("threads", 1));
        }
        if (a.has("inference-engine")) {
            c = c.with("inference-engine", a.get("inference-engine"));
        }
        if (a.has("face-score-threshold")) {
            c = c.with("face-score-threshold", a.doubleValue("face-score-threshold", 0));
        }
        if (a.has("min-face-size")) {
            c = c.with("min-face-size", a.intValue("min-face-size", 0));
        }
        if (a.has("crop-margin")) {
            c = c.with("crop-margin", a.doubleValue("crop-margin", 0));
        }
        if (a.has("yunet-max-side")) {
            c = c.with("yunet-max-side", a.intValue("yunet-max-side", 0));
        }
        List<String> problems = c.problems();
        if (!problems.isEmpty()) {
            throw new io.maskwatch.common.config.ConfigException(problems.stream().map(p -> "detector." + p).toList());
        }
        return c;
    }
}
