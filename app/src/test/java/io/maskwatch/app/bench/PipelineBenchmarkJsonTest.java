package io.maskwatch.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskwatch.app.bench.PipelineBenchmark.Percentiles;
import io.maskwatch.app.bench.PipelineBenchmark.Run;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
}
