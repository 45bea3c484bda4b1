package io.maskwatch.ingest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench --json}'s "ingest" object (in-process mode) and its Markdown come from the same numbers. */
class IngestBenchmarkJsonTest {
    private static final IngestBenchmark.Report REPORT = new IngestBenchmark.Report("clip.mp4 (1280x720 h264, 25.0 fps)",
            960, "ffmpeg", List.of(new IngestBenchmark.Result("live", 4, 10.0, 1000, 80, 4_000_000, 0.52),
            new IngestBenchmark.Result("max", 1, 10.0, 0, 0, 0, 0.01)));

    @Test
    void fieldsHaveSnakeCaseNamesWithUnits() {
        JsonNode j = new ObjectMapper().valueToTree(REPORT.json());
        assertEquals("in_process", j.get("mode").asText());
        assertEquals(960, j.get("max_width_px").asInt());
        JsonNode r = j.get("results").get(0);
        assertEquals("live", r.get("load").asText());
        assertEquals(4, r.get("cameras").asInt());
        assertEquals(10.0, r.get("measured_s").asDouble());
        assertEquals(8.0, r.get("sent_fps").asDouble());
        assertEquals(2.0, r.get("sent_fps_per_camera").asDouble());
        assertEquals(100.0, r.get("decoded_fps").asDouble());
        assertEquals(0.4, r.get("to_kafka_mb_per_s").asDouble());
        assertEquals(0.052, r.get("cpu_cores").asDouble());
        assertEquals(6.5, r.get("cpu_ms_per_sent_frame").asDouble());
        assertNull(j.get("results").get(1).get("cpu_ms_per_sent_frame").numberValue(), "nothing sent: null, not NaN");
    }

    @Test
    void markdownShowsTheSameNumbers() {
        String md = REPORT.markdown();
        assertTrue(md.contains("| live | 4 | 8.0 | 2.00 | 100.0 | 0.40 | 0.05 | 6.5 |"), md);
        assertTrue(md.contains("(ffmpeg encoder)"), md);
    }
}
