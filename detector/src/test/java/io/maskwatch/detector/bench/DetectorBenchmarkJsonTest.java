package io.maskwatch.detector.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskwatch.detector.bench.DetectorBenchmark.Latency;
import io.maskwatch.detector.bench.DetectorBenchmark.Report;
import io.maskwatch.detector.bench.DetectorBenchmark.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench --json}'s "detector" object and the text report come from the same numbers. */
class DetectorBenchmarkJsonTest {
    private static final Report REPORT = new Report("retinaface", "off", "none", "none", 8, 2, 20,
            List.of(new Row(1280, 720, 2, 11.234, 22.468, new Latency(4.04, 7.96), new Latency(60.0, 81.55),
                    new Latency(12.0, 14.0), new Latency(null, null))));

    @Test
    void fieldsHaveSnakeCaseNamesWithUnits() {
        JsonNode j = new ObjectMapper().valueToTree(REPORT.json());
        assertEquals("retinaface", j.get("backend").asText());
        assertEquals(8, j.get("batch_frames").asInt());
        assertEquals(20.0, j.get("measure_s").asDouble());
        JsonNode r = j.get("results").get(0);
        assertEquals(1280, r.get("frame_width").asInt());
        assertEquals(720, r.get("frame_height").asInt());
        assertEquals(2, r.get("threads").asInt());
        assertEquals(11.23, r.get("frames_per_s").asDouble());
        assertEquals(22.47, r.get("faces_per_s").asDouble());
        assertEquals(4.0, r.get("decode_p50_ms").asDouble());
        assertEquals(81.6, r.get("detect_p95_ms").asDouble());
        assertEquals(12.0, r.get("classify_batch_p50_ms").asDouble());
        assertTrue(r.has("heatmap_batch_p95_ms"), r.toString());
        assertNull(r.get("heatmap_batch_p95_ms").numberValue(), "a stage that never ran: null, not 0");
    }

    @Test
    void textReportShowsTheSameNumbers() {
        String text = REPORT.text();
        assertTrue(text.contains("1280x720"), text);
        assertTrue(text.contains("11.23"), text);
        assertTrue(text.contains("60.0/81.6"), text);
        assertTrue(text.contains("batch of 8 frames"), text);
    }
}
