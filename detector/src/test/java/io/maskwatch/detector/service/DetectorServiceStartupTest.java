package io.maskwatch.detector.service;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.ConfigException;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.TestMedia;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up fails fast, before touching Kafka, when model files are missing. */
class DetectorServiceStartupTest {
    @TempDir
    Path tmp;

    @Test
    void missingClassifierDirectoryNamesTheKey() {
        DetectorConfig c = TestMedia.config("blazeface").withModelsDir(tmp.resolve("nope").toString());
        try (DetectorService s = new DetectorService(c, KafkaSettings.defaults(), new SimpleMeterRegistry(),
                System.getenv(), Clock.systemUTC())) {
            ConfigException e = assertThrows(ConfigException.class, s::start);
            assertTrue(e.getMessage().contains("detector.models-dir"), e.getMessage());
            assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        }
    }

    @Test
    void missingDetectorModelIsReportedBeforeTheClassifierLoads() {
        DetectorConfig c = DetectorConfig.defaults();
        try (DetectorService s = new DetectorService(c, KafkaSettings.defaults(), new SimpleMeterRegistry(),
                Map.of("MASKWATCH_MODEL_CACHE", tmp.toString()), Clock.systemUTC())) {
            ConfigException e = assertThrows(ConfigException.class, s::start);
            // Default backend auto: no model installed in the cache, so it says where it looked and how to install one.
            assertTrue(e.getMessage().contains(tmp.toString()) && e.getMessage().contains("no face detector model is installed")
                    && e.getMessage().contains("models fetch"), e.getMessage());
        }
    }
}
