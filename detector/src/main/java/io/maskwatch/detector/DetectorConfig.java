package io.maskwatch.detector;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.common.config.ConfigSection;
import io.maskwatch.detector.face.FaceBackend;
import io.maskwatch.detector.face.FaceBackends;
import io.maskwatch.detector.face.InferenceEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code detector} section.
 *
 * @param backend           face detector: {@value FaceBackends#AUTO} (default: the best one whose model is
 *                          installed, in the model catalogue's order) or one of {@link FaceBackends#NAMES}
 * @param modelCacheDir     where {@code scripts/fetch-models.sh} put the npm models; empty = env
 *                          MASKWATCH_MODEL_CACHE, else ~/.cache/maskwatch/models
 * @param blazefaceModel    explicit BlazeFace ONNX file; empty = {@code <model-cache-dir>/blazeface/face_detection_back_256x256_barracuda.onnx}
 * @param res10Model        res10 SSD weights; empty = {@code <model-cache-dir>/res10/opencv_face_detector_uint8.pb}
 * @param res10Config       res10 SSD graph; empty = {@code <model-cache-dir>/res10/opencv_face_detector.pbtxt}
 * @param yunetModel        YuNet ONNX file; empty = {@code <model-cache-dir>/yunet/face_detection_yunet_2026may.onnx}
 * @param ultrafaceModel    UltraFace ONNX file; empty = {@code <model-cache-dir>/ultraface/ultraface-RFB-640-masked_face-v2.onnx}
 * @param retinafaceModel   RetinaFace ONNX file; empty = {@code <model-cache-dir>/retinaface/retinaface-mobilenet0.25.onnx}
 * @param yunetMaxSide      YuNet runs on the frame scaled so its longer side is at most this (0 = full size)
 * @param faceScoreThreshold minimum face detector confidence; 0 = the backend's default
 *                          ({@link FaceBackend#defaultScoreThreshold}, docs/DETECTOR.md)
 * @param minFaceSize       faces narrower than this (frame pixels) are dropped
 * @param tiling            extra detection passes over tiles of large frames (small faces)
 * @param modelsDir         mask classifier directory (mask-classifier.json + parameters)
 * @param cropMargin        crop side = longer box side x (1 + 2 x margin), square, around the box centre;
 *                          default 0: the hairline-to-chin box, squared (the middle of the measured
 *                          plateau -0.1..0.1; the training crops are tight, wider crops score worse,
 *                          docs/DETECTOR.md)
 * @param heatmaps          which faces get a heat map: none, no_mask, all (only faces {@code faceCrops} allows:
 *                          a heat map is blended over the face)
 * @param faceCrops         which faces' images (crop JPEG, heat map) leave the detector: unmasked-only (default:
 *                          no_mask and incorrect, the faces an alert shows), all, none. Replaces the boolean
 *                          {@code crops} (true = all, false = none), which is now an unknown key
 * @param cropMaxSize       longer side of crop and heat map JPEGs, pixels
 * @param jpegQuality       quality of crop and heat map JPEGs, 1..100
 * @param threads           inference threads (frames of one poll are detected in parallel; default 2)
 * @param opencvThreads     OpenCV's own worker threads (process-wide; 0 = OpenCV's default of one per core), and
 *                          each ONNX Runtime network's intra-op threads (0 = one per core)
 * @param classifierThreads PyTorch intra-op threads for the classifier (process-wide, set before the engine
 *                          starts; 0 = PyTorch's default of one per core). 1 avoids oversubscription when
 *                          detection threads or other processes share the cores (measured, docs/DETECTOR.md)
 * @param pollBatchSize     max records per poll (all faces of a poll are classified in one batch)
 * @param maxFrameAgeMs     frames captured longer ago than this are skipped (0 = never skip)
 * @param groupId           Kafka consumer group
 * @param httpPort          /metrics and /health port (0 = any free port)
 * @param apiToken          required by {@code detector}: Bearer token of /metrics (>= 16 characters; /health/* stays
 *                          open); never printed
 * @param reclassifyEvery   a face whose box continues (IoU) a confidently classified face of the camera's
 *                          previous frame keeps that label for up to this many frames before it is classified
 *                          again (0 or 1 = classify every face of every frame)
 * @param reclassifyMinIou  minimum IoU between the box and the previous frame's box for the label to be reused
 * @param reclassifyMinScore minimum joint score (face score x class probability) of a label to be reused
 * @param reclassifyMaxChange largest change of the face's 16x16 grayscale thumbnail since it was last classified
 *                          (mean absolute difference, in standard deviations) for its label to be reused
 *                          (0 = appearance not checked)
 * @param motionGate        with label reuse on: a frame whose 64x36 grayscale thumbnail differs from the camera's last
 *                          detected frame by less than this in every cell (grey levels) keeps that
 *                          frame's face boxes instead of running the face detector (0 = off)
 * @param inferenceEngine   what runs the retinaface and ultraface networks: onnxruntime (default) or opencv
 *                          ({@link InferenceEngine}); their intra-op threads are {@code opencvThreads}
 */
public record DetectorConfig(
        String backend,
        String modelCacheDir,
        String blazefaceModel,
        String res10Model,
        String res10Config,
        String yunetModel,
        String ultrafaceModel,
        String retinafaceModel,
        int yunetMaxSide,
        double faceScoreThreshold,
        int minFaceSize,
        Tiling tiling,
        String modelsDir,
        double cropMargin,
        String heatmaps,
        String faceCrops,
        int cropMaxSize,
        int jpegQuality,
        int threads,
        int opencvThreads,
        int classifierThreads,
        int pollBatchSize,
        long maxFrameAgeMs,
        String groupId,
        int httpPort,
        String apiToken,
        int reclassifyEvery,
        double reclassifyMinIou,
        double reclassifyMinScore,
        double reclassifyMaxChange,
        double motionGate,
        String inferenceEngine) implements ConfigSection {

    public static final String DEFAULT_BACKEND = FaceBackends.AUTO;

    public DetectorConfig {
        apiToken = apiToken == null || apiToken.isBlank() ? null : apiToken;
    }

    /** As the record's, with the token redacted (a config may end up in a log line or an error). */
    @Override
    public String toString() {
        return io.maskwatch.common.config.Redacted.toString(this, "apiToken");
    }
    public static final String DEFAULT_MODELS_DIR = "models/mask-classifier";

    /**
     * Tiling for small faces in large frames: besides the whole frame, the detector runs on
     * overlapping square tiles of {@code tileSize} frame pixels, so a face of F pixels reaches the
     * model at about F x input/tileSize pixels instead of F x input/frameSide.
     *
     * @param mode         auto (default: as the backend says, {@link FaceBackend#tiledByDefault}: on for
     *                     the small fixed-input blazeface and res10), on, off
     * @param tileSize     tile side in frame pixels
     * @param overlap      fraction of a tile shared with its neighbour; faces larger than
     *                     overlap x tileSize are left to the whole-frame pass
     * @param minFrameSide only frames whose longer side is at least this are tiled
     */
    public record Tiling(String mode, int tileSize, double overlap, int minFrameSide) {
        public static final List<String> MODES = List.of("auto", "on", "off");

        public Tiling {
            // YAML 1.1 reads an unquoted on/off as a boolean.
            if ("false".equals(mode)) {
                mode = "off";
            } else if ("true".equals(mode)) {
                mode = "on";
            }
        }

        /** Auto: on for HD frames with 512 px tiles (6 for 1280x720, plus the whole frame), frames >= 960 px. */
        public static Tiling defaults() {
            return new Tiling("auto", 512, 0.25, 960);
        }

        public static Tiling off() {
            return new Tiling("off", 512, 0.25, 960);
        }

        /** On for every frame larger than a tile. */
        public static Tiling on(int tileSize) {
            return new Tiling("on", tileSize, 0.25, 0);
        }

        /** Whether tiles are used with {@code backend}. */
        public boolean activeFor(String backend) {
            return switch (mode == null ? "auto" : mode) {
                case "on" -> true;
                case "off" -> false;
                default -> FaceBackends.find(backend).map(FaceBackend::tiledByDefault).orElse(false);
            };
        }
    }

    /** Which faces get a heat map. */
    public enum HeatmapPolicy {
        NONE, NO_MASK, ALL;

        public static HeatmapPolicy parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        /** As written in the config file: none, no_mask, all. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Which faces' images leave the detector. Crops of compliant people are personal data nobody
     * needs: alerts show only non-compliant faces (docs/SECURITY.md).
     */
    public enum FaceCropPolicy {
        UNMASKED_ONLY, ALL, NONE;

        public static final String CHOICES = "unmasked-only, all, none";

        public static FaceCropPolicy parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        /** As written in the config file: unmasked-only, all, none. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Whether a face with this label may carry its crop (and heat map). */
        public boolean allows(FaceLabel label) {
            return switch (this) {
                case ALL -> true;
                case NONE -> false;
                case UNMASKED_ONLY -> label != FaceLabel.MASK;
            };
        }
    }

    public static DetectorConfig defaults() {
        return new DetectorConfig(DEFAULT_BACKEND, "", "", "", "", "", "", "", 1280, 0.0, 16, Tiling.defaults(),
                DEFAULT_MODELS_DIR, 0.0, "no_mask", FaceCropPolicy.UNMASKED_ONLY.wireName(), 128, 80,
                // two inference threads: on 2 cores only they drain a backlog at 20 cameras (one thread tops
                // out at ~41 frames/s; docs/BENCHMARKS.md, "Threads vs replicas")
                2, 1, 1, 8, 5000, "maskwatch-detector", 8082, null,
                // label reuse on, checking that the face still looks the same: every clip keeps its alerts
                // (box-only reuse lost putting-on-mask's; docs/DETECTOR.md "Label reuse")
                4, 0.5, 0.7, 0.35,
                // motion gating off: not yet measured safe (docs/DETECTOR.md)
                0,
                // the same networks at 1.5-2.7x less CPU than OpenCV DNN (docs/DETECTOR.md, "Inference engine")
                InferenceEngine.ONNXRUNTIME.wireName());
    }

    public DetectorConfig withBackend(String b) {
        return new DetectorConfig(b, modelCacheDir, blazefaceModel, res10Model, res10Config, yunetModel, ultrafaceModel, retinafaceModel, yunetMaxSide,
                faceScoreThreshold, minFaceSize, tiling, modelsDir, cropMargin, heatmaps, faceCrops, cropMaxSize,
                jpegQuality, threads, opencvThreads, classifierThreads, pollBatchSize, maxFrameAgeMs, groupId, httpPort, apiToken,
                reclassifyEvery, reclassifyMinIou, reclassifyMinScore, reclassifyMaxChange, motionGate, inferenceEngine);
    }

    public DetectorConfig withModelsDir(String dir) {
        return new DetectorConfig(backend, modelCacheDir, blazefaceModel, res10Model, res10Config, yunetModel, ultrafaceModel,
                retinafaceModel, yunetMaxSide, faceScoreThreshold, minFaceSize, tiling, dir, cropMargin, heatmaps, faceCrops, cropMaxSize,
                jpegQuality, threads, opencvThreads, classifierThreads, pollBatchSize, maxFrameAgeMs, groupId, httpPort, apiToken,
                reclassifyEvery, reclassifyMinIou, reclassifyMinScore, reclassifyMaxChange, motionGate, inferenceEngine);
    }

    public DetectorConfig withTiling(Tiling t) {
        return new DetectorConfig(backend, modelCacheDir, blazefaceModel, res10Model, res10Config, yunetModel, ultrafaceModel,
                retinafaceModel, yunetMaxSide, faceScoreThreshold, minFaceSize, t, modelsDir, cropMargin, heatmaps, faceCrops, cropMaxSize,
                jpegQuality, threads, opencvThreads, classifierThreads, pollBatchSize, maxFrameAgeMs, groupId, httpPort, apiToken,
                reclassifyEvery, reclassifyMinIou, reclassifyMinScore, reclassifyMaxChange, motionGate, inferenceEngine);
    }

    public DetectorConfig withImages(HeatmapPolicy heatmapPolicy, FaceCropPolicy faceCropPolicy) {
        return new DetectorConfig(backend, modelCacheDir, blazefaceModel, res10Model, res10Config, yunetModel, ultrafaceModel,
                retinafaceModel, yunetMaxSide, faceScoreThreshold, minFaceSize, tiling, modelsDir, cropMargin, heatmapPolicy.wireName(),
                faceCropPolicy.wireName(),
                cropMaxSize, jpegQuality, threads, opencvThreads, classifierThreads, pollBatchSize, maxFrameAgeMs, groupId, httpPort, apiToken,
                reclassifyEvery, reclassifyMinIou, reclassifyMinScore, reclassifyMaxChange, motionGate, inferenceEngine);
    }

    public DetectorConfig withService(int threads, int pollBatchSize, long maxFrameAgeMs, String groupId, int httpPort) {
        return new DetectorConfig(backend, modelCacheDir, blazefaceModel, res10Model, res10Config, yunetModel, ultrafaceModel,
                retinafaceModel, yunetMaxSide, faceScoreThreshold, minFaceSize, tiling, modelsDir, cropMargin, heatmaps, faceCrops,
                cropMaxSize, jpegQuality, threads, opencvThreads, classifierThreads, pollBatchSize, maxFrameAgeMs, groupId, httpPort, apiToken,
                reclassifyEvery, reclassifyMinIou, reclassifyMinScore, reclassifyMaxChange, motionGate, inferenceEngine);
    }

    public DetectorConfig withMinFaceSize(int px) {
        return new DetectorConfig(backend, modelCacheDir, blazefaceModel, res10Model, res10Config, yunetModel, ultrafaceModel,
                retinafaceModel, yunetMaxSide, faceScoreThreshold, px, tiling, modelsDir, cropMargin, heatmaps, faceCrops, cropMaxSize,
                jpegQuality, threads, opencvThreads, classifierThreads, pollBatchSize, maxFrameAgeMs, groupId, httpPort, apiToken,
                reclassifyEvery, reclassifyMinIou, reclassifyMinScore, reclassifyMaxChange, motionGate, inferenceEngine);
    }

    /**
     * The value of a backend's model-file key ({@code yunet-model}, ...; see
     * {@link FaceBackend.ModelFile#key}); empty when not set.
     */
    public String modelFile(String key) {
        com.fasterxml.jackson.databind.JsonNode v = KEBAB.valueToTree(this).get(key);
        if (v == null) {
            throw new IllegalArgumentException("no detector key '" + key + "' for a model file");
        }
        return v.isNull() ? "" : v.asText();
    }

    /** Merges user-supplied model paths (e.g. from the command line) over this config. */
    public DetectorConfig withModelFiles(String res10Pb, String res10Pbtxt, String yunet) {
        return new DetectorConfig(backend, modelCacheDir, blazefaceModel, res10Pb, res10Pbtxt, yunet, ultrafaceModel, retinafaceModel, yunetMaxSide,
                faceScoreThreshold, minFaceSize, tiling, modelsDir, cropMargin, heatmaps, faceCrops, cropMaxSize,
                jpegQuality, threads, opencvThreads, classifierThreads, pollBatchSize, maxFrameAgeMs, groupId, httpPort, apiToken,
                reclassifyEvery, reclassifyMinIou, reclassifyMinScore, reclassifyMaxChange, motionGate, inferenceEngine);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper KEBAB =
            com.fasterxml.jackson.databind.json.JsonMapper.builder()
                    .propertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.KEBAB_CASE)
                    .build();

    /**
     * This config with some keys replaced, keys as in the YAML file ({@code "threads"},
     * {@code "tiling"} with a map or {@link Tiling}); for command-line flags and tests.
     */
    public DetectorConfig with(Map<String, ?> overrides) {
        com.fasterxml.jackson.databind.node.ObjectNode node = KEBAB.valueToTree(this);
        for (var e : overrides.entrySet()) {
            if (!node.has(e.getKey())) {
                throw new IllegalArgumentException("no detector key '" + e.getKey() + "'");
            }
            node.set(e.getKey(), KEBAB.valueToTree(e.getValue()));
        }
        try {
            return KEBAB.treeToValue(node, DetectorConfig.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("invalid detector override " + overrides + ": " + e.getOriginalMessage(), e);
        }
    }

    public DetectorConfig with(String key, Object value) {
        return with(Map.of(key, value));
    }

    /** The face score threshold in effect: the configured one, or the backend's default. */
    @JsonIgnore
    public double effectiveFaceScoreThreshold() {
        if (faceScoreThreshold > 0) {
            return faceScoreThreshold;
        }
        return FaceBackends.find(backend).map(FaceBackend::defaultScoreThreshold).orElse(0.5);
    }

    @JsonIgnore
    public InferenceEngine engine() {
        return InferenceEngine.parse(inferenceEngine);
    }

    @JsonIgnore
    public HeatmapPolicy heatmapPolicy() {
        return HeatmapPolicy.parse(heatmaps);
    }

    @JsonIgnore
    public FaceCropPolicy faceCropPolicy() {
        return FaceCropPolicy.parse(faceCrops);
    }

    /** The models cache: this config's key, else env MASKWATCH_MODEL_CACHE, else ~/.cache/maskwatch/models. */
    public Path resolvedModelCache(Map<String, String> env) {
        if (modelCacheDir != null && !modelCacheDir.isBlank()) {
            return Path.of(modelCacheDir);
        }
        String fromEnv = env.get("MASKWATCH_MODEL_CACHE");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "maskwatch", "models");
    }

    /** Resolves a relative path against -Dmaskwatch.home (the launcher sets it), else the working directory. */
    public static Path resolveHome(String path) {
        Path p = Path.of(path);
        if (p.isAbsolute()) {
            return p;
        }
        String home = System.getProperty("maskwatch.home");
        return home == null || home.isBlank() ? p.toAbsolutePath() : Path.of(home).resolve(p);
    }

    @Override
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (backend == null || !(FaceBackends.AUTO.equals(backend) || FaceBackends.NAMES.contains(backend))) {
            out.add("backend '" + backend + "' is unknown; expected " + FaceBackends.AUTO + " or one of " + FaceBackends.NAMES);
        }
        com.fasterxml.jackson.databind.JsonNode keys = KEBAB.valueToTree(this);
        for (String key : FaceBackends.modelKeys()) {
            if (!keys.has(key)) {
                out.add(key + " is a backend's model file key but not a detector key (add it to DetectorConfig)");
            }
        }
        if (!(faceScoreThreshold >= 0 && faceScoreThreshold < 1)) {
            out.add("face-score-threshold must be in [0, 1) (0 = the backend's default), got " + faceScoreThreshold);
        }
        if (minFaceSize < 0) {
            out.add("min-face-size must be >= 0 pixels, got " + minFaceSize);
        }
        if (yunetMaxSide < 0) {
            out.add("yunet-max-side must be 0 (full size) or a positive number of pixels, got " + yunetMaxSide);
        }
        if (tiling == null) {
            out.add("tiling must be a mapping (mode, tile-size, overlap, min-frame-side)");
        } else {
            if (!Tiling.MODES.contains(tiling.mode())) {
                out.add("tiling.mode must be one of " + Tiling.MODES + ", got '" + tiling.mode() + "'");
            }
            if (tiling.tileSize() < 64) {
                out.add("tiling.tile-size must be >= 64 pixels, got " + tiling.tileSize());
            }
            if (!(tiling.overlap() >= 0 && tiling.overlap() < 0.9)) {
                out.add("tiling.overlap must be in [0, 0.9), got " + tiling.overlap());
            }
            if (tiling.minFrameSide() < 0) {
                out.add("tiling.min-frame-side must be >= 0, got " + tiling.minFrameSide());
            }
        }
        if (modelsDir == null || modelsDir.isBlank()) {
            out.add("models-dir must name the mask classifier directory, e.g. " + DEFAULT_MODELS_DIR);
        }
        if (!(cropMargin >= -0.2 && cropMargin <= 1)) {
            out.add("crop-margin must be in [-0.2, 1], got " + cropMargin);
        }
        try {
            if (heatmaps == null) {
                throw new IllegalArgumentException();
            }
            HeatmapPolicy.parse(heatmaps);
        } catch (IllegalArgumentException e) {
            out.add("heatmaps must be one of none, no_mask, all; got '" + heatmaps + "'");
        }
        try {
            if (faceCrops == null) {
                throw new IllegalArgumentException();
            }
            FaceCropPolicy.parse(faceCrops);
        } catch (IllegalArgumentException e) {
            out.add("face-crops must be one of " + FaceCropPolicy.CHOICES + "; got '" + faceCrops
                    + "' (unmasked-only keeps crops of masked people inside the detector)");
        }
        if (cropMaxSize < 16 || cropMaxSize > 1024) {
            out.add("crop-max-size must be 16..1024 pixels, got " + cropMaxSize);
        }
        if (jpegQuality < 1 || jpegQuality > 100) {
            out.add("jpeg-quality must be 1..100, got " + jpegQuality);
        }
        if (threads < 1 || threads > 64) {
            out.add("threads must be 1..64, got " + threads);
        }
        if (opencvThreads < 0 || opencvThreads > 64) {
            out.add("opencv-threads must be 0..64 (0 = one per core), got " + opencvThreads);
        }
        if (classifierThreads < 0 || classifierThreads > 64) {
            out.add("classifier-threads must be 0..64 (0 = one per core), got " + classifierThreads);
        }
        if (pollBatchSize < 1 || pollBatchSize > 1000) {
            out.add("poll-batch-size must be 1..1000, got " + pollBatchSize);
        }
        if (maxFrameAgeMs < 0) {
            out.add("max-frame-age-ms must be >= 0 (0 = never skip), got " + maxFrameAgeMs);
        }
        if (reclassifyEvery < 0 || reclassifyEvery > 100) {
            out.add("reclassify-every must be 0..100 frames (0 or 1 = classify every face), got " + reclassifyEvery);
        }
        if (!(reclassifyMinIou > 0 && reclassifyMinIou <= 1)) {
            out.add("reclassify-min-iou must be in (0, 1], got " + reclassifyMinIou);
        }
        if (!(reclassifyMaxChange >= 0 && reclassifyMaxChange <= 2)) {
            out.add("reclassify-max-change must be in [0, 2] (0 = appearance not checked), got " + reclassifyMaxChange);
        }
        if (!(motionGate >= 0 && motionGate <= 64)) {
            out.add("motion-gate must be in [0, 64] grey levels (0 = off), got " + motionGate);
        }
        if (inferenceEngine == null || !InferenceEngine.names().contains(inferenceEngine)) {
            out.add("inference-engine must be one of " + InferenceEngine.CHOICES + "; got '" + inferenceEngine
                    + "' (opencv where ONNX Runtime has no native library)");
        }
        if (!(reclassifyMinScore >= 0 && reclassifyMinScore <= 1)) {
            out.add("reclassify-min-score must be in [0, 1], got " + reclassifyMinScore);
        }
        if (groupId == null || groupId.isBlank()) {
            out.add("group-id must not be empty");
        }
        String tokenProblem = io.maskwatch.common.observability.BearerToken.problem("api-token", apiToken);
        if (tokenProblem != null) {
            out.add(tokenProblem);
        }
        if (httpPort < 0 || httpPort > 65535) {
            out.add("http-port must be 0..65535, got " + httpPort);
        }
        return out;
    }
}
