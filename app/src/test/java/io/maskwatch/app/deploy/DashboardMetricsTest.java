package io.maskwatch.app.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class DashboardMetricsTest {
    private final Path root = DeployFiles.repoRoot();

    @Test
    void missingMetricsListsWhatAScrapeLacks() {
        String scrape = """
                # HELP maskwatch_detector_frames_processed_total frames
                # TYPE maskwatch_detector_frames_processed_total counter
                maskwatch_detector_frames_processed_total{service="detector"} 42.0
                # TYPE maskwatch_alerter_compliance_ratio gauge
                maskwatch_alerter_compliance_ratio{camera="_facility",service="alerter"} 0.93
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space",service="detector"} 1.2E7
                process_cpu_usage 0.05
                # TYPE maskwatch_detector_stage_seconds histogram
                # HELP maskwatch_detector_stage_seconds_bucket is only named in this comment
                """;
        Set<String> queried = Set.of("maskwatch_detector_frames_processed_total", "maskwatch_alerter_compliance_ratio",
                "jvm_memory_used_bytes", "process_cpu_usage", "maskwatch_detector_stage_seconds_bucket",
                "maskwatch_ingest_camera_up", "kafka_consumergroup_lag", "kafka_topic_partition_current_offset");

        assertEquals(new TreeSet<>(Set.of("maskwatch_detector_stage_seconds_bucket", "maskwatch_ingest_camera_up")),
                DashboardMetrics.missingMetrics(queried, scrape));
        assertEquals(Set.of(), DashboardMetrics.missingMetrics(Set.of("process_cpu_usage"), scrape));
    }

    @Test
    void metricNamesIgnoreLabelValuesFunctionsAndRecordingRules() {
        String expr = "histogram_quantile(0.95, sum by (le, stage) (rate(maskwatch_detector_stage_seconds_bucket"
                + "{job=~\"maskwatch_not_a_metric\", camera=~\"$camera\"}[$__rate_interval])))"
                + " / on() group_left maskwatch:recorded:ratio + jvm_threads_live_threads"
                + " - kafka_consumergroup_lag{topic=~'maskwatch\\\\..+\\\\.dlq'} # maskwatch_in_a_comment";
        assertEquals(new TreeSet<>(Set.of("maskwatch_detector_stage_seconds_bucket", "jvm_threads_live_threads",
                "kafka_consumergroup_lag")), DashboardMetrics.metricNames(expr));
    }

    @Test
    void queriedMetricsCoverDashboardsRulesAndKubernetesRules() {
        Set<String> queried = DashboardMetrics.queriedMetrics(root);
        for (String expected : List.of("maskwatch_alerter_compliance_ratio", "maskwatch_alerter_alerts_total",
                "maskwatch_detector_stage_seconds_bucket", "maskwatch_ingest_camera_up", "kafka_consumergroup_lag",
                "jvm_memory_used_bytes", "process_cpu_usage")) {
            assertTrue(queried.contains(expected), expected + " should be queried; got " + queried);
        }
        queried.forEach(m -> assertFalse(m.endsWith("_"), m));
    }

    /**
     * The dashboards and alert rules query only names that Micrometer exports for the metric
     * contract: catches a missing _total, a _seconds on a summary, a histogram that is not one, ...
     * After the merge the integrator runs the same check on the real services' scrapes.
     */
    @Test
    void everyQueriedServiceMetricIsExportedByTheMetricContract() throws Exception {
        Set<String> queried = DashboardMetrics.queriedMetrics(root);
        var registries = ContractMeters.registries();
        String scrape = ContractMeters.scrape(registries);
        // JVM GC pause timers appear with the first collection after the registry exists
        for (int i = 0; i < 50 && !scrape.contains("jvm_gc_pause_seconds_sum"); i++) {
            System.gc();
            Thread.sleep(100);
            scrape = ContractMeters.scrape(registries);
        }
        assertEquals(Set.of(), DashboardMetrics.missingMetrics(queried, scrape),
                "queried by dashboards/rules but not exported by the services' registries");
    }

    @Test
    void dashboardsShowEveryContractMetric() {
        Set<String> queried = DashboardMetrics.queriedMetrics(root);
        List<String> unused = new ArrayList<>();
        for (String base : ContractMeters.BASE_NAMES) {
            boolean shown = queried.stream().anyMatch(q -> q.equals(base) || q.startsWith(base + "_"));
            if (!shown) {
                unused.add(base);
            }
        }
        assertEquals(List.of(), unused, "contract metrics that no dashboard or rule shows");
    }

    @Test
    void kubernetesPrometheusRuleEqualsTheComposeRules() {
        JsonNode rules = DeployFiles.yaml(root.resolve("deploy/prometheus/rules/maskwatch.rules.yml"));
        JsonNode k8s = DeployFiles.yaml(root.resolve("k8s/components/monitoring/prometheusrule.yaml"));
        assertEquals("PrometheusRule", k8s.path("kind").asText());
        assertEquals(rules.path("groups"), k8s.path("spec").path("groups"),
                "k8s/components/monitoring/prometheusrule.yaml must carry the groups of deploy/prometheus/rules/maskwatch.rules.yml");
    }

    @Test
    void alertRulesAreComplete() {
        Set<String> names = new TreeSet<>();
        for (JsonNode group : DeployFiles.yaml(root.resolve("deploy/prometheus/rules/maskwatch.rules.yml")).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.path("alert").asText();
                assertTrue(names.add(name), "duplicate alert " + name);
                assertFalse(rule.path("expr").asText().isBlank(), name + ": expr");
                assertTrue(rule.path("for").asText().matches("\\d+[smh]"), name + ": for");
                assertTrue(Set.of("info", "warning", "critical").contains(rule.path("labels").path("severity").asText()),
                        name + ": severity label");
                assertFalse(rule.path("annotations").path("summary").asText().isBlank(), name + ": summary");
                assertFalse(rule.path("annotations").path("description").asText().isBlank(), name + ": description");
                assertBalanced(name, rule.path("expr").asText());
            }
        }
        // the four situations the operators asked for
        for (String required : List.of("MaskWatchCameraDown", "MaskWatchDetectorLagGrowing", "MaskWatchDeadLetterGrowing",
                "MaskWatchFacilityComplianceLow")) {
            assertTrue(names.contains(required), required);
        }
    }

    @Test
    void dashboardsAreWellFormed() {
        Set<String> uids = new TreeSet<>();
        for (Path f : DeployFiles.files(root.resolve("deploy/grafana/dashboards"), ".json")) {
            JsonNode d = DeployFiles.json(f);
            String uid = d.path("uid").asText();
            assertTrue(uid.matches("[a-z0-9-]{1,40}"), f + ": uid");
            assertTrue(uids.add(uid), f + ": duplicate uid " + uid);
            Set<String> variables = new TreeSet<>();
            d.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
            assertTrue(variables.contains("datasource"), f + ": needs a datasource variable");
            Set<Integer> ids = new TreeSet<>();
            int queries = 0;
            for (JsonNode p : d.path("panels")) {
                assertTrue(ids.add(p.path("id").asInt()), f + ": duplicate panel id " + p.path("id"));
                JsonNode pos = p.path("gridPos");
                assertTrue(pos.path("w").asInt() > 0 && pos.path("x").asInt() + pos.path("w").asInt() <= 24,
                        f + ": panel " + p.path("title") + " does not fit the 24-column grid");
                if (p.path("type").asText().equals("row")) {
                    continue;
                }
                assertEquals("${datasource}", p.path("datasource").path("uid").asText(),
                        f + ": panel " + p.path("title") + " must use the datasource variable");
                assertFalse(p.path("description").asText().isBlank(), f + ": panel " + p.path("title") + " description");
                assertTrue(p.path("targets").size() > 0, f + ": panel " + p.path("title") + " has no query");
                for (JsonNode t : p.path("targets")) {
                    String expr = t.path("expr").asText();
                    assertFalse(expr.isBlank(), f + ": panel " + p.path("title") + " empty query");
                    assertBalanced(f + " " + p.path("title"), expr);
                    var m = java.util.regex.Pattern.compile("\\$\\{?([A-Za-z_]\\w*)").matcher(expr);
                    while (m.find()) {
                        String v = m.group(1);
                        assertTrue(v.startsWith("__") || variables.contains(v), f + ": undefined variable $" + v);
                    }
                    queries++;
                }
            }
            assertTrue(queries >= 8, f + ": only " + queries + " queries");
        }
        assertEquals(Set.of("maskwatch-compliance", "maskwatch-pipeline"), uids);
    }

    private static void assertBalanced(String where, String expr) {
        String code = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        int round = 0;
        int curly = 0;
        int square = 0;
        for (char c : code.toCharArray()) {
            switch (c) {
                case '(' -> round++;
                case ')' -> round--;
                case '{' -> curly++;
                case '}' -> curly--;
                case '[' -> square++;
                case ']' -> square--;
                default -> { }
            }
            assertTrue(round >= 0 && curly >= 0 && square >= 0, where + ": unbalanced brackets in " + expr);
        }
        assertTrue(round == 0 && curly == 0 && square == 0, where + ": unbalanced brackets in " + expr);
    }
}
