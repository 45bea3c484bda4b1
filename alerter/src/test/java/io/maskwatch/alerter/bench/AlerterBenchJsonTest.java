package io.maskwatch.alerter.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench --json}'s "alerter" and "live" objects, and the text made from the same numbers. */
class AlerterBenchJsonTest {
    @Test
    void alerterFieldsHaveSnakeCaseNamesWithUnits() {
        AlerterBench.Result r = new AlerterBench.Result(
                List.of(new AlerterBench.TrackerRow(4, 52_000.4, 19.23, 3_100)),
                new AlerterBench.EndToEnd(20_000, 8.0, 120, 180L, 420L, 900L));
        JsonNode j = new ObjectMapper().valueToTree(r.json());
        JsonNode t = j.get("tracker").get(0);
        assertEquals(4, t.get("faces_per_frame").asInt());
        assertEquals(52_000, t.get("detections_per_s").asLong());
        assertEquals(19.2, t.get("per_detection_us").asDouble());
        assertEquals(3_100, t.get("state_bytes_per_frame").asLong());
        JsonNode e = j.get("end_to_end");
        assertEquals(20_000, e.get("backlog_detections").asLong());
        assertEquals(2_500, e.get("backlog_detections_per_s").asLong());
        assertEquals(120, e.get("live_alerts").asInt());
        assertEquals(180, e.get("capture_to_alert_p50_ms").asLong());
        assertEquals(420, e.get("capture_to_alert_p95_ms").asLong());
        assertEquals(900, e.get("capture_to_alert_max_ms").asLong());
        assertTrue(r.endToEnd().text().contains("p50 180 ms, p95 420 ms, max 900 ms"), r.endToEnd().text());
        assertTrue(r.tracker().get(0).text().contains("52,000 detections/s"), r.tracker().get(0).text());
    }

    @Test
    void noAlertsAreNullsAndTrackerOnlyHasNoEndToEnd() {
        AlerterBench.EndToEnd none = new AlerterBench.EndToEnd(100, 1.0, 0, null, null, null);
        JsonNode e = new ObjectMapper().valueToTree(none.json());
        assertNull(e.get("capture_to_alert_p95_ms").numberValue());
        assertTrue(none.text().contains("live: no alerts seen"));
        JsonNode j = new ObjectMapper().valueToTree(new AlerterBench.Result(List.of(), null).json());
        assertTrue(j.get("end_to_end").isNull());
    }

    @Test
    void liveFieldsAreCoresAndKbPerSecond() {
        LiveBench.Phase warm = new LiveBench.Phase("live view off (first: warm-up)", 60, 30, 0, 0, 10);
        LiveBench.Phase off = new LiveBench.Phase("live view off", 50, 20, 0, 0, 10);
        LiveBench.Phase grid = new LiveBench.Phase("on, 1 viewer on the grid", 55, 25, 4, 1024 * 300, 10);
        LiveBench.Result r = new LiveBench.Result(20, 2.0, 1280, 720, 90, 10, List.of(warm, off), List.of(grid), "a", "b");
        JsonNode j = new ObjectMapper().valueToTree(r.json());
        assertEquals(20, j.get("cameras").asInt());
        assertEquals(10, j.get("phase_s").asInt());
        JsonNode p = j.get("phases").get(2);
        assertEquals("on, 1 viewer on the grid", p.get("phase").asText());
        assertEquals(0.55, p.get("process_cpu_cores").asDouble());
        assertEquals(0.25, p.get("alerter_cpu_cores").asDouble());
        assertEquals(0.04, p.get("live_view_cpu_cores").asDouble());
        assertEquals(25.0, p.get("alerter_cpu_vs_off_pct").asDouble(), "against the last off phase, not the warm-up");
        assertEquals(30, p.get("http_served_kb_per_s").asLong());
        assertNull(j.get("phases").get(0).get("alerter_cpu_vs_off_pct").numberValue());
        assertNull(new ObjectMapper().valueToTree(grid.json(new LiveBench.Phase("off", 1, 0, 0, 0, 10)))
                .get("alerter_cpu_vs_off_pct").numberValue(), "an idle baseline gives no ratio, not Infinity");
        assertTrue(r.table().contains("| on, 1 viewer on the grid | 55.0 | 25.0 | 4.0 | +25% | 30 KB/s |"), r.table());
    }
}
