package io.maskwatch.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskwatch.app.bench.process.IngestProcessBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one object {@code bench --json} writes for any --what list. */
class BenchJsonTest {
    @Test
    void pipelineStaysAtTheTopLevelAndOtherTargetsGetAKey(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("b.json");
        new BenchJson().pipeline(Map.of("results", List.of(Map.of("cameras", 4)), "max_sustained_cameras", 4))
                .target("alerter", Map.of("tracker", List.of()))
                .target("ingest", IngestProcessBench.json(List.of(new IngestProcessBench.Row(4, 300, 310, 0.123456, 7.96))))
                .write(f);
        JsonNode j = new ObjectMapper().readTree(Files.readString(f));
        assertEquals(4, j.get("results").get(0).get("cameras").asInt());
        assertEquals(4, j.get("max_sustained_cameras").asInt());
        assertTrue(j.get("alerter").has("tracker"));
        JsonNode ingest = j.get("ingest");
        assertEquals("separate_processes", ingest.get("mode").asText());
        JsonNode row = ingest.get("results").get(0);
        assertEquals(300, row.get("rss_mb").asLong());
        assertEquals(310, row.get("rss_hwm_mb").asLong());
        assertEquals(0.123, row.get("cpu_cores").asDouble());
        assertEquals(0.0309, row.get("cpu_cores_per_camera").asDouble());
        assertEquals(8.0, row.get("to_kafka_fps").asDouble());
        assertEquals(Runtime.getRuntime().availableProcessors(), j.get("machine").get("cpus").asInt());
        assertTrue(j.get("machine").get("java").asText().contains(System.getProperty("java.version")));
        assertTrue(Files.notExists(dir.resolve("b.json.tmp")));
    }

    @Test
    void withoutPipelineThereAreNoResultsAtTheTop() {
        Map<String, Object> m = new BenchJson().target("live", Map.of("cameras", 20)).toMap();
        assertEquals(List.of("live", "machine"), List.copyOf(m.keySet()));
    }

    @Test
    void aTargetCannotShadowAPipelineField() {
        BenchJson j = new BenchJson().pipeline(Map.of("results", List.of()));
        assertThrows(IllegalArgumentException.class, () -> j.target("results", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> j.target("machine", Map.of()));
    }
}
