package io.maskwatch.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskwatch.app.bench.PipelineBenchmark.Percentiles;
import io.maskwatch.app.bench.PipelineBenchmark.Run;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code bench --json} schema: field names, units, and what a shared-process RSS says. */
class PipelineBenchmarkJsonTest {
    @Test
    void runsBecomeTheDocumentedSchema() throws Exception {
        Run kept = new Run(4, 8.0, 7.96, 0.0, 2, new Percentiles(300, 110, 240, 400),
                new Percentiles(12, 300, 900, 1200), 200, 1400, 0, 1.73);
        Run behind = new Run(6, 12.0, 9.1, 2.9, 60, new Percentiles(200, 900, 4000, 5000),
                Percentiles.of(List.of()), 210, 1500, 3, 1.98);
        PipelineBenchmark.Options o = new PipelineBenchmark.Options(Path.of("clip.mp4"), List.of(4, 6),
                Duration.ofSeconds(15), Duration.ofSeconds(20), 1, 2.0);
        JsonNode j = new ObjectMapper().valueToTree(
                new PipelineBenchmark.Result(o, List.of(kept, behind), 4, List.of(kept)).json());

        assertEquals(3, j.get("results").size(), "the sweep's two runs, then the latency run");
        JsonNode r = j.get("results").get(0);
        assertEquals(4, r.get("cameras").asInt());
        assertEquals(8.0, r.get("offered_fps").asDouble());
        assertEquals(8.0, r.get("detected_fps").asDouble(), "rounded to 0.1");
        assertTrue(r.get("sustained").asBoolean());
        assertEquals(110, r.get("capture_to_detection_p50_ms").asDouble());
        assertEquals(240, r.get("capture_to_detection_p95_ms").asDouble());
        assertEquals(900, r.get("capture_to_alert_p95_ms").asDouble());
        assertEquals(0, r.get("frames_dropped").asLong());
        assertEquals(1400, r.get("rss_mb").get("detector").asLong());
        assertTrue(r.get("rss_scope").asText().contains("one JVM"), "shared RSS is labelled, not passed off per service");
        assertEquals(1.73, r.get("cpu_cores").asDouble());

        JsonNode b = j.get("results").get(1);
        assertFalse(b.get("sustained").asBoolean());
        assertNull(b.get("capture_to_alert_p95_ms").numberValue(), "no alert sample: null, not NaN");
        assertEquals("latency", j.get("results").get(2).get("phase").asText());
        assertEquals(4, j.get("max_sustained_cameras").asInt());
    }

    @Test
    void separateProcessesReportEachServicesOwnMemoryAndCpu() {
        Map<String, PipelineBenchmark.ServiceUsage> services = new java.util.LinkedHashMap<>();
        services.put("alerter", new PipelineBenchmark.ServiceUsage(236, 240, 0.03, "256m"));
        services.put("detector", new PipelineBenchmark.ServiceUsage(560, 600, 0.9, "384m"));
        services.put("ingest", new PipelineBenchmark.ServiceUsage(306, 310, 0.16, "256m"));
        Run r = new Run(4, 8.0, 8.0, 0.0, 2, new Percentiles(160, 100, 200, 300), new Percentiles(8, 300, 600, 700),
                -1, 1102, 0, 1.09, services);
        PipelineBenchmark.Options o = new PipelineBenchmark.Options(Path.of("clip.mp4"), List.of(4),
                Duration.ofSeconds(15), Duration.ofSeconds(20), 1, 2.0, true);
        JsonNode j = new ObjectMapper().valueToTree(new PipelineBenchmark.Result(o, List.of(r), 4, List.of()).json());
        assertTrue(j.get("separate_processes").asBoolean());
        JsonNode row = j.get("results").get(0);
        assertEquals(306, row.get("rss_mb").get("ingest").asLong());
        assertEquals(560, row.get("rss_mb").get("detector").asLong());
        assertEquals(236, row.get("rss_mb").get("alerter").asLong());
        assertEquals(600, row.get("rss_hwm_mb").get("detector").asLong());
        assertEquals(0.9, row.get("cpu_cores_by_service").get("detector").asDouble());
        assertEquals("384m", row.get("heap_max").get("detector").asText());
        assertTrue(row.get("rss_scope").asText().contains("own JVM"));
        assertNull(row.get("heap_used_mb"), "no shared heap to report");
        assertTrue(new PipelineBenchmark.Result(o, List.of(r), 4, List.of()).markdown().contains("| 4 | detector | 384m | 560 MB |"));
    }

    @Test
    void detectorReplicasAreSummedAndListedEach() {
        Map<String, PipelineBenchmark.ServiceUsage> services = new java.util.LinkedHashMap<>();
        services.put("alerter", new PipelineBenchmark.ServiceUsage(236, 240, 0.03, "256m"));
        services.put("detector", new PipelineBenchmark.ServiceUsage(1100, 1200, 1.6, "384m"));
        services.put("ingest", new PipelineBenchmark.ServiceUsage(306, 310, 0.16, "160m"));
        services.put("detector-1", new PipelineBenchmark.ServiceUsage(500, 590, 0.7, "384m"));
        services.put("detector-2", new PipelineBenchmark.ServiceUsage(600, 610, 0.9, "384m"));
        Run r = new Run(8, 16.0, 20.0, 3.0, 90, new Percentiles(160, 100, 200, 300), new Percentiles(8, 300, 600, 700),
                -1, 1642, 0, 1.79, services);
        PipelineBenchmark.Options o = new PipelineBenchmark.Options(Path.of("clip.mp4"), List.of(8),
                Duration.ofSeconds(15), Duration.ofSeconds(30), 1, 2.0, true, 2);
        JsonNode j = new ObjectMapper().valueToTree(new PipelineBenchmark.Result(o, List.of(r), 0, List.of()).json());
        assertEquals(2, j.get("detector_replicas").asInt());
        assertEquals("1", j.get("detector_env").get("MASKWATCH_DETECTOR_THREADS").asText());
        JsonNode row = j.get("results").get(0);
        assertEquals(1100, row.get("rss_mb").get("detector").asLong());
        assertEquals(2, row.get("detector_replicas").size());
        assertEquals(600, row.get("detector_replicas").get(1).get("rss_mb").asLong());
        assertEquals(0.7, row.get("detector_replicas").get(0).get("cpu_cores").asDouble());
        assertEquals(80.0, row.get("detector_cpu_ms_per_frame").asDouble(), "1.6 cores / 20 frames/s");
    }

    @Test
    void replicasNeedSeparateProcesses() {
        assertThrows(IllegalArgumentException.class, () -> new PipelineBenchmark.Options(Path.of("clip.mp4"),
                List.of(8), Duration.ofSeconds(15), Duration.ofSeconds(30), 1, 2.0, false, 2));
    }
}
