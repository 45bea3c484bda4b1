package io.maskwatch.detector.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.ConfigException;
import io.maskwatch.common.config.MaskWatchConfig;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.TestMedia;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Missing or wrong model files and unknown backends are clear start-up errors. */
class FaceBackendsTest {
    @TempDir
    Path tmp;

    @Test
    void unknownBackendNamesTheKeyAndTheChoices() {
        ConfigException e = assertThrows(ConfigException.class, () -> MaskWatchConfig.parse(
                "detector:\n  backend: haar\n", Map.of(), "test.yaml").section("detector", DetectorConfig.class,
                DetectorConfig.defaults()));
        assertTrue(e.getMessage().contains("detector.backend 'haar' is unknown"), e.getMessage());
        assertTrue(e.getMessage().contains("blazeface, res10, yunet"), e.getMessage());
    }

    @Test
    void missingBlazeFaceModelSaysHowToFetchIt() {
        DetectorConfig c = DetectorConfig.defaults().withBackend("blazeface");
        ConfigException e = assertThrows(ConfigException.class,
                () -> FaceBackends.check(c, Map.of("MASKWATCH_MODEL_CACHE", tmp.toString())));
        assertTrue(e.getMessage().contains(tmp.resolve("blazeface").resolve(FaceBackends.BLAZEFACE_FILE).toString()),
                e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("scripts/fetch-models.sh"), e.getMessage());
    }

    @Test
    void res10WithoutPathsNamesBothKeys() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> FaceBackends.check(DetectorConfig.defaults().withBackend("res10"), Map.of("MASKWATCH_MODEL_CACHE", tmp.toString())));
        assertTrue(e.getMessage().contains("detector.res10-model is not set"), e.getMessage());
        assertTrue(e.getMessage().contains("detector.res10-config is not set"), e.getMessage());
    }

    @Test
    void wrongFileForYuNetIsRejectedBeforeOpenCvSeesIt() throws Exception {
        Path fake = tmp.resolve("yunet.onnx");
        Files.write(fake, new byte[4096]); // zeros: not a protobuf
        ConfigException e = assertThrows(ConfigException.class, () -> FaceBackends.check(
                DetectorConfig.defaults().withBackend("yunet").withModelFiles("", "", fake.toString()), Map.of()));
        assertTrue(e.getMessage().contains("detector.yunet-model: " + fake), e.getMessage());
        assertTrue(e.getMessage().contains("not an ONNX model"), e.getMessage());
    }

    @Test
    void truncatedBlazeFaceDownloadIsReported() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("blazeface"));
        Files.write(dir.resolve(FaceBackends.BLAZEFACE_FILE), new byte[] {8, 3});
        ConfigException e = assertThrows(ConfigException.class,
                () -> FaceBackends.check(DetectorConfig.defaults().withBackend("blazeface"),
                        Map.of("MASKWATCH_MODEL_CACHE", tmp.toString())));
        assertTrue(e.getMessage().contains("too small"), e.getMessage());
    }

    @Test
    void corruptOnnxWithTheRightFirstByteFailsInOpenCvWithTheKeyNamed() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("blazeface"));
        byte[] junk = new byte[8192];
        junk[0] = 8;
        for (int i = 1; i < junk.length; i++) {
            junk[i] = (byte) (i * 31);
        }
        Files.write(dir.resolve(FaceBackends.BLAZEFACE_FILE), junk);
        ConfigException e = assertThrows(ConfigException.class,
                () -> FaceBackends.create(DetectorConfig.defaults().withBackend("blazeface"),
                        Map.of("MASKWATCH_MODEL_CACHE", tmp.toString())));
        assertTrue(e.getMessage().contains("OpenCV cannot load"), e.getMessage());
    }

    @Test
    void everyBackendIsSelfDescribedAndItsKeysAreDetectorKeys() {
        assertEquals(FaceBackends.ALL.size(), new java.util.HashSet<>(FaceBackends.NAMES).size(), "unique names");
        for (FaceBackend b : FaceBackends.ALL) {
            assertTrue(b.defaultScoreThreshold() > 0 && b.defaultScoreThreshold() < 1, b.name());
            assertTrue(!b.modelFiles().isEmpty(), b.name());
            for (FaceBackend.ModelFile f : b.modelFiles()) {
                assertEquals("", DetectorConfig.defaults().modelFile(f.key()), b.name() + " " + f.key());
            }
        }
        assertTrue(DetectorConfig.defaults().problems().isEmpty(), DetectorConfig.defaults().problems().toString());
    }

    @Test
    void missingCatalogueModelSaysWhereItWasLookedForAndHowToGetIt() {
        ConfigException e = assertThrows(ConfigException.class, () -> FaceBackends.check(
                DetectorConfig.defaults().withBackend("retinaface"), Map.of("MASKWATCH_MODEL_CACHE", tmp.toString())));
        assertTrue(e.getMessage().contains("detector.retinaface-model is not set"), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.resolve("retinaface").resolve("retinaface-mobilenet0.25.onnx").toString()),
                e.getMessage());
        assertTrue(e.getMessage().contains("./maskwatch models fetch retinaface"), e.getMessage());
        assertTrue(e.getMessage().contains("./maskwatch models import FILE"), e.getMessage());
    }

    @Test
    void aModelInTheCacheIsFoundWithoutAKeyAndAnExplicitKeyWins() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("ultraface"));
        byte[] onnx = new byte[2048];
        onnx[0] = 8;
        Files.write(dir.resolve("ultraface-RFB-640-masked_face-v2.onnx"), onnx);
        DetectorConfig c = DetectorConfig.defaults().withBackend("ultraface");
        Map<String, String> env = Map.of("MASKWATCH_MODEL_CACHE", tmp.toString());
        assertEquals(java.util.List.of(dir.resolve("ultraface-RFB-640-masked_face-v2.onnx")),
                FaceBackends.check(c, env).files());
        Path other = tmp.resolve("mine.onnx");
        Files.write(other, onnx);
        assertEquals(java.util.List.of(other), FaceBackends.check(c.with("ultraface-model", other.toString()), env).files());
    }

    @Test
    void badValuesAreReportedTogetherWithTheirKeys() {
        ConfigException e = assertThrows(ConfigException.class, () -> MaskWatchConfig.parse(
                "detector:\n  threads: 0\n  heatmaps: some\n  tiling:\n    tile-size: 10\n", Map.of(), "t.yaml")
                .section("detector", DetectorConfig.class, DetectorConfig.defaults()));
        assertTrue(e.getMessage().contains("detector.threads must be 1..64, got 0"), e.getMessage());
        assertTrue(e.getMessage().contains("detector.heatmaps must be one of none, no_mask, all"), e.getMessage());
        assertTrue(e.getMessage().contains("detector.tiling.tile-size must be >= 64"), e.getMessage());
    }

    @Test
    void environmentOverridesNestedKeys() {
        DetectorConfig c = MaskWatchConfig.parse("", Map.of("MASKWATCH_DETECTOR_TILING_MODE", "off",
                "MASKWATCH_DETECTOR_THREADS", "2"), "env").section("detector", DetectorConfig.class, DetectorConfig.defaults());
        assertTrue(!c.tiling().activeFor("blazeface"));
        assertTrue(c.threads() == 2);
    }

    @Test
    void theCombinedBackendFindsEachMembersFileInThatMembersCacheFolder() throws Exception {
        byte[] onnx = new byte[2048];
        onnx[0] = 8;
        Path retina = Files.createDirectories(tmp.resolve("retinaface")).resolve("retinaface-mobilenet0.25.onnx");
        Map<String, String> env = Map.of("MASKWATCH_MODEL_CACHE", tmp.toString());
        DetectorConfig c = DetectorConfig.defaults().withBackend("retinaface+ultraface");
        Files.write(retina, onnx);
        ConfigException e = assertThrows(ConfigException.class, () -> FaceBackends.check(c, env));
        assertTrue(e.getMessage().contains("detector.ultraface-model is not set"), e.getMessage());
        assertTrue(!e.getMessage().contains("retinaface-model"), "only the missing member is named: " + e.getMessage());
        Path ultra = Files.createDirectories(tmp.resolve("ultraface")).resolve("ultraface-RFB-640-masked_face-v2.onnx");
        Files.write(ultra, onnx);
        assertEquals(List.of(retina, ultra), FaceBackends.check(c, env).files());
    }

    @Test
    void autoTakesTheBestInstalledBackendAndNamesWhatWouldBeBetter() throws Exception {
        Map<String, String> env = Map.of("MASKWATCH_MODEL_CACHE", tmp.toString());
        DetectorConfig auto = DetectorConfig.defaults();
        assertEquals(FaceBackends.AUTO, auto.backend());
        ConfigException none = assertThrows(ConfigException.class, () -> FaceBackends.resolve(auto, env));
        assertTrue(none.getMessage().contains("./maskwatch models fetch " + FaceBackends.catalogueNames(FaceBackends.preferenceOrder().get(0))),
                none.getMessage());
        assertTrue(none.getMessage().contains("models import FILE"), none.getMessage());

        // Only YuNet installed: it runs, and the log line says it is a fallback and how to get the best one.
        Path yunet = Files.createDirectories(tmp.resolve("yunet")).resolve("face_detection_yunet_2026may.onnx");
        Files.copy(TestMedia.sharedModel("face_detection_yunet_2026may.onnx"), yunet);
        FaceBackends.Choice choice = FaceBackends.resolve(auto, env);
        assertEquals("yunet", choice.config().backend());
        assertEquals(List.of("retinaface+ultraface", "retinaface", "ultraface"), choice.betterMissing());
        assertTrue(choice.describe().contains("weaker fallback"), choice.describe());
        assertTrue(choice.describe().contains("models fetch retinaface ultraface'"), "the combination's members: "
                + choice.describe());
        assertEquals(0.5, choice.config().effectiveFaceScoreThreshold(), 0.3, "the chosen backend's own default");

        // RetinaFace alone: chosen, but the combination with UltraFace would be better.
        Path retina = Files.createDirectories(tmp.resolve("retinaface")).resolve("retinaface-mobilenet0.25.onnx");
        Files.copy(TestMedia.sharedModel("retinaface-mobilenet0.25.onnx"), retina);
        assertEquals("retinaface", FaceBackends.resolve(auto, env).config().backend());
        assertEquals(List.of("retinaface+ultraface"), FaceBackends.resolve(auto, env).betterMissing());

        // The best one installed: chosen, no warning.
        Path ultra = Files.createDirectories(tmp.resolve("ultraface")).resolve("ultraface-RFB-640-masked_face-v2.onnx");
        Files.copy(TestMedia.sharedModel("ultraface-RFB-640-masked_face-v2.onnx"), ultra);
        FaceBackends.Choice best = FaceBackends.resolve(auto, env);
        assertEquals("retinaface+ultraface", best.config().backend());
        assertTrue(best.betterMissing().isEmpty());
        try (FaceDetector d = FaceBackends.create(auto, env)) {
            assertTrue(d.name().contains("retinaface"), d.name());
        }

        // An explicit backend is never second-guessed.
        assertEquals("blazeface", FaceBackends.resolve(auto.withBackend("blazeface"), env).config().backend());
    }
}
