package io.maskwatch.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.MaskWatchConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DetectorConfigTest {
    @Test
    void exampleConfigBindsToTheDefaults() {
        Path example = Path.of(System.getProperty("maskwatch.project.dir", "..")).resolve("config/maskwatch.example.yaml");
        DetectorConfig c = MaskWatchConfig.load(example, Map.of()).section("detector", DetectorConfig.class,
                DetectorConfig.defaults());
        assertEquals(DetectorConfig.defaults(), c, "the example documents the defaults");
    }

    @Test
    void unquotedOffInYamlTurnsTilingOff() {
        DetectorConfig c = MaskWatchConfig.parse("detector:\n  tiling:\n    mode: off\n", Map.of(), "t")
                .section("detector", DetectorConfig.class, DetectorConfig.defaults());
        assertEquals("off", c.tiling().mode());
        assertTrue(!c.tiling().activeFor("blazeface"));
    }

    private static DetectorConfig detector(String yaml) {
        return MaskWatchConfig.parse("detector:\n" + yaml, Map.of(), "t")
                .section("detector", DetectorConfig.class, DetectorConfig.defaults());
    }

    @Test
    void faceCropsDefaultToUnmaskedOnlyAndTheOldBooleanKeyIsRejected() {
        assertEquals(DetectorConfig.FaceCropPolicy.UNMASKED_ONLY, detector("  threads: 1\n").faceCropPolicy());
        assertEquals(DetectorConfig.FaceCropPolicy.ALL, detector("  face-crops: all\n").faceCropPolicy());
        assertEquals(DetectorConfig.FaceCropPolicy.NONE, detector("  face-crops: none\n").faceCropPolicy());
        // the old boolean key is gone: the error names the new one
        var old = assertThrows(io.maskwatch.common.config.ConfigException.class, () -> detector("  crops: true\n"));
        assertTrue(old.getMessage().contains("unknown key 'detector.crops'") && old.getMessage().contains("face-crops"),
                old.getMessage());
        assertEquals("unmasked-only", DetectorConfig.defaults().faceCrops(), "written as in the file");
        assertEquals(DetectorConfig.defaults(), DetectorConfig.defaults().with("face-crops", "unmasked-only"));
        var problems = DetectorConfig.defaults().with("face-crops", "masked").problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("face-crops must be one of unmasked-only, all, none; got 'masked'"), problems.get(0));
    }

    @Test
    void inferenceEngineDefaultsToOnnxRuntimeAndAnUnknownOneIsAProblemNamingTheChoices() {
        assertEquals(io.maskwatch.detector.face.InferenceEngine.ONNXRUNTIME, DetectorConfig.defaults().engine());
        assertEquals(io.maskwatch.detector.face.InferenceEngine.OPENCV, detector("  inference-engine: opencv\n").engine());
        var problems = DetectorConfig.defaults().with("inference-engine", "tensorrt").problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("inference-engine must be one of onnxruntime, opencv; got 'tensorrt'"), problems.get(0));
    }

    @Test
    void overridesUseTheFileKeys() {
        DetectorConfig c = DetectorConfig.defaults().with(Map.of("threads", 3, "heatmaps", "all"));
        assertEquals(3, c.threads());
        assertEquals(DetectorConfig.HeatmapPolicy.ALL, c.heatmapPolicy());
        assertThrows(IllegalArgumentException.class, () -> DetectorConfig.defaults().with("no-such-key", 1));
    }

    @Test
    void detectorCommandRejectsAnUnknownBackendBeforeStarting(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path cfg = tmp.resolve("c.yaml");
        java.nio.file.Files.writeString(cfg, "detector:\n  backend: haar\n  http-port: 0\n");
        io.maskwatch.common.config.ConfigException e = assertThrows(io.maskwatch.common.config.ConfigException.class,
                () -> new DetectorCommand().run(java.util.List.of("--config", cfg.toString())));
        assertTrue(e.getMessage().contains("detector.backend 'haar' is unknown"), e.getMessage());
    }

    @Test
    void detectorCommandRefusesToStartWithoutATokenAndNeverPrintsOne(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path cfg = tmp.resolve("c.yaml");
        java.nio.file.Files.writeString(cfg, "detector:\n  http-port: 0\n");
        io.maskwatch.common.config.ConfigException e = assertThrows(io.maskwatch.common.config.ConfigException.class,
                () -> new DetectorCommand().run(java.util.List.of("--config", cfg.toString())));
        assertTrue(e.getMessage().contains("detector.api-token is not set: /metrics names every camera, so it needs a token. "
                + "Set MASKWATCH_DETECTOR_API_TOKEN"), e.getMessage());
        DetectorConfig withToken = DetectorConfig.defaults().with("api-token", "s3cret-s3cret-s3cret");
        assertEquals("s3cret-s3cret-s3cret", withToken.apiToken());
        assertTrue(withToken.toString().contains("apiToken=***") && !withToken.toString().contains("s3cret"), withToken.toString());
        assertEquals(java.util.List.of("api-token must be at least 16 characters (e.g. the output of 'openssl rand -hex 32')"),
                DetectorConfig.defaults().with("api-token", "short").problems());
    }

    @Test
    void everyBackendsModelFileHasACommandLineFlag() {
        DetectorConfig c = CliDetectorOptions.from(io.maskwatch.common.cli.Args.parse(java.util.List.of(
                "--detector", "retinaface", "--retinaface-model", "/m/r.onnx", "--yunet-model", "/m/y.onnx"),
                CliDetectorOptions.WITH_VALUE, java.util.Set.of()), Map.of());
        assertEquals("retinaface", c.backend());
        assertEquals("/m/r.onnx", c.retinafaceModel());
        assertEquals("/m/y.onnx", c.yunetModel());
        assertTrue(CliDetectorOptions.USAGE.contains("--ultraface-model FILE"), CliDetectorOptions.USAGE);
    }

    @Test
    void backendDefaultThresholds() {
        assertEquals(0.5, DetectorConfig.defaults().effectiveFaceScoreThreshold());
        assertEquals(0.7, DetectorConfig.defaults().withBackend("yunet").effectiveFaceScoreThreshold());
        assertEquals(0.6, DetectorConfig.defaults().with("face-score-threshold", 0.6).effectiveFaceScoreThreshold());
    }
}
