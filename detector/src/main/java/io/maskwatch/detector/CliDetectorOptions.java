package io.maskwatch.detector;

import io.maskwatch.common.cli.Args;
import io.maskwatch.common.config.MaskWatchConfig;
import io.maskwatch.detector.DetectorConfig.Tiling;
import java.nio.file.Path;
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
    public static final Set<String> WITH_VALUE = Set.of("config", "detector", "models", "res10-model", "res10-config",
            "yunet-model", "tile-size", "threads", "face-score-threshold", "min-face-size", "crop-margin", "yunet-max-side");

    public static final String USAGE = """
              --detector NAME          blazeface (default), res10 or yunet
              --models DIR             mask classifier directory (default models/mask-classifier)
              --config FILE            take the 'detector' section of a MaskWatch config file as defaults
              --res10-model FILE       res10: opencv_face_detector_uint8.pb
              --res10-config FILE      res10: opencv_face_detector.pbtxt
              --yunet-model FILE       yunet: the YuNet ONNX file
              --tile-size N            also detect on N x N pixel tiles of large frames (small faces)
              --threads N              inference threads (default 1)
              --face-score-threshold X minimum detector confidence (default: the backend's)
              --min-face-size N        drop faces narrower than N pixels (default 16)
              --crop-margin X          classifier crop margin around the face box (default 0)
              --yunet-max-side N       yunet: scale frames down to this longer side first (default 1280, 0 = never)
            """;

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
        c = c.withModelFiles(a.get("res10-model", c.res10Model()), a.get("res10-config", c.res10Config()),
                a.get("yunet-model", c.yunetModel()));
        if (a.has("tile-size")) {
            int t = a.intValue("tile-size", 0);
            c = c.withTiling(t <= 0 ? Tiling.off() : Tiling.on(t));
        }
        if (a.has("threads")) {
            c = c.with("threads", a.intValue("threads", 1));
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
