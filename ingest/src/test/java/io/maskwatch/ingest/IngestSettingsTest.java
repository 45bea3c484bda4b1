package io.maskwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.ConfigException;
import io.maskwatch.common.config.MaskWatchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestSettingsTest {
    private static IngestSettings bind(String yaml, Map<String, String> env) {
        return MaskWatchConfig.parse(yaml, env, "test.yaml")
                .section("ingest", IngestSettings.class, IngestSettings.defaults());
    }

    @Test
    void defaultsAreValid() {
        IngestSettings d = bind("", Map.of());
        assertEquals(IngestSettings.defaults(), d);
        assertEquals(8081, d.httpPort());
        assertEquals(1, d.workerCount());
        assertFalse(d.motion().enabled(), "motion gating is off until measured");
        assertTrue(d.problems().isEmpty(), d.problems().toString());
    }

    @Test
    void builderChangesOnlyWhatItIsTold() {
        IngestSettings d = IngestSettings.defaults();
        IngestSettings b = d.toBuilder().queueCapacity(9).stallTimeoutMs(1234).ffmpegLogLevel("debug").build();
        assertEquals(new IngestSettings(d.httpPort(), d.workerIndex(), d.workerCount(), 9,
                d.reconnectInitialBackoffMs(), d.reconnectMaxBackoffMs(), 1234, d.fileRealtime(), d.decoderThreads(),
                "debug", d.motion(), d.producer(), d.apiToken(), d.skipNonrefFrames(),
                d.jpegEncoder()), b);
        assertEquals(d, d.toBuilder().build());
        assertEquals(4, d.queueCapacity(), "the original is unchanged");
        IngestSettings w = d.withWorker(2, 3).withReconnect(10, 20, 300).withHttpPort(0);
        assertEquals(java.util.List.of(2, 3, 10L, 20L, 300L, 0),
                java.util.List.of(w.workerIndex(), w.workerCount(), w.reconnectInitialBackoffMs(),
                        w.reconnectMaxBackoffMs(), w.stallTimeoutMs(), w.httpPort()));
        assertEquals(d.motion(), w.motion());
    }

    @Test
    void fileAndEnvironmentOverrideDefaults() {
        IngestSettings s = bind("""
                ingest:
                  worker-count: 3
                  queue-capacity: 8
                  motion:
                    enabled: true
                    heartbeat-seconds: 5
                  producer:
                    max-in-flight-frames: 16
                """, Map.of("MASKWATCH_INGEST_WORKER_INDEX", "2",
                "MASKWATCH_INGEST_STALL_TIMEOUT_MS", "4000",
                "MASKWATCH_INGEST_PRODUCER_BUFFER_MEMORY_BYTES", "8388608"));
        assertEquals(2, s.workerIndex());
        assertEquals(3, s.workerCount());
        assertEquals(8, s.queueCapacity());
        assertEquals(4000, s.stallTimeoutMs());
        assertTrue(s.motion().enabled());
        assertEquals(5.0, s.motion().heartbeatSeconds());
        assertEquals(160, s.motion().analysisWidth(), "unset nested keys keep their defaults");
        assertEquals(16, s.producer().maxInFlightFrames());
        assertEquals(8L * 1024 * 1024, s.producer().bufferMemoryBytes());
    }

    @Test
    void badValuesAreReportedByKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> bind("""
                ingest:
                  worker-index: 3
                  worker-count: 3
                  queue-capacity: 0
                  reconnect-initial-backoff-ms: 5000
                  reconnect-max-backoff-ms: 1000
                  ffmpeg-log-level: chatty
                  jpeg-encoder: libjpeg
                  motion:
                    min-changed-ratio: 2
                  producer:
                    delivery-timeout-ms: 100
                """, Map.of()));
        String m = e.getMessage();
        for (String key : new String[] {"ingest.worker-index", "ingest.queue-capacity", "ingest.reconnect-max-backoff-ms",
                "ingest.ffmpeg-log-level", "ingest.jpeg-encoder", "ingest.motion.min-changed-ratio", "ingest.producer.delivery-timeout-ms"}) {
            assertTrue(m.contains(key), key + " missing in: " + m);
        }
    }

    @Test
    void unknownKeyIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> bind("ingest:\n  worker-cuont: 2\n", Map.of()));
        assertTrue(e.getMessage().contains("ingest.worker-cuont"), e.getMessage());
        assertTrue(e.getMessage().contains("worker-count"), e.getMessage());
    }

    @Test
    void workerIndexFromStatefulSetHostName() {
        IngestSettings s = IngestSettings.defaults().withWorker(-1, 4);
        assertTrue(s.problems().isEmpty(), s.problems().toString());
        assertEquals(2, s.resolveWorkerIndex("maskwatch-ingest-2"));
        assertEquals(0, s.resolveWorkerIndex("maskwatch-ingest-0"));
        IllegalStateException tooHigh = assertThrows(IllegalStateException.class,
                () -> s.resolveWorkerIndex("maskwatch-ingest-4"));
        assertTrue(tooHigh.getMessage().contains("worker-count"), tooHigh.getMessage());
        IllegalStateException noOrdinal = assertThrows(IllegalStateException.class,
                () -> s.resolveWorkerIndex("laptop"));
        assertTrue(noOrdinal.getMessage().contains("MASKWATCH_INGEST_WORKER_INDEX"), noOrdinal.getMessage());
        assertEquals(1, IngestSettings.defaults().withWorker(1, 2).resolveWorkerIndex("whatever"));
    }

    @Test
    void exampleConfigurationBinds() throws Exception {
        Path example = Path.of(System.getProperty("maskwatch.project.dir", "..")).resolve("config/maskwatch.example.yaml");
        if (!Files.isRegularFile(example)) {
            example = Path.of("../config/maskwatch.example.yaml");
        }
        MaskWatchConfig cfg = MaskWatchConfig.parse(Files.readString(example), Map.of("ENTRANCE_A_PASSWORD", "x"),
                example.toString());
        IngestSettings s = cfg.section("ingest", IngestSettings.class, IngestSettings.defaults());
        assertTrue(s.problems().isEmpty());
        assertFalse(cfg.cameras().isEmpty());
    }
}
