package io.maskwatch.app.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.app.DemoCommand;
import io.maskwatch.app.demo.DemoEndToEndIT;
import io.maskwatch.app.demo.DemoRun;
import io.maskwatch.app.docs.DocMetrics;
import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.contract.FrameMetadata;
import io.maskwatch.common.kafka.ClientConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Dashboards and alert rules cannot drift from the code: run the real services on the embedded
 * broker with traffic (a real clip, one poison frame, one stale frame), scrape their /metrics and
 * fail on any metric a dashboard or rule queries, or the docs name, that none of them exports.
 */
class DashboardDriftIT {
    @Test
    void everyQueriedMetricIsExportedByTheRunningServices() throws Exception {
        Path clip = DemoEndToEndIT.video("one-man-no-mask.mp4");
        CameraConfig camera = DemoCommand.camera(clip.toString(), 2, false, new HashSet<>());
        Path root = DeployFiles.repoRoot();
        try (DemoRun run = new DemoRun(new DemoRun.Options(List.of(camera), null, 0, null,
                Map.of("MASKWATCH_DETECTOR_MODELS_DIR", root.resolve("models/mask-classifier").toString(),
                        "MASKWATCH_DETECTOR_MAX_FRAME_AGE_MS", "60000")))) {
            run.start(System.out::println);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ClientConfigs.producer(run.kafka(), "drift"))) {
                ProducerRecord<String, byte[]> poison = new ProducerRecord<>(run.kafka().topics().frames(), camera.id(),
                        "not a jpeg".getBytes());
                FrameMetadata.of(camera.id(), System.currentTimeMillis(), 999_999, 640, 360).writeTo(poison.headers());
                producer.send(poison).get();
                ProducerRecord<String, byte[]> stale = new ProducerRecord<>(run.kafka().topics().frames(), camera.id(),
                        "old".getBytes());
                FrameMetadata.of(camera.id(), System.currentTimeMillis() - 3_600_000, 999_998, 640, 360)
                        .writeTo(stale.headers());
                producer.send(stale).get();
                producer.send(new ProducerRecord<>(run.kafka().topics().detections(), camera.id(), "{bad".getBytes())).get();
            }
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!run.sourcesFinished() && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            run.drain(java.time.Duration.ofSeconds(60));

            HttpClient http = HttpClient.newHttpClient();
            StringBuilder scrape = new StringBuilder();
            for (String service : List.of("ingest", "detector", "alerter")) {
                // The alerter's /metrics needs its API token, like Prometheus presents it (deploy/prometheus).
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create(run.httpOf(service).baseUrl() + "/metrics"))
                        .header("Authorization", "Bearer " + run.generatedApiToken()).build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(r.statusCode() == 200, service + " /metrics answered " + r.statusCode());
                scrape.append(r.body()).append('\n');
            }
            Set<String> queried = DashboardMetrics.queriedMetrics(root);
            assertTrue(queried.size() > 20, "dashboards query only " + queried);
            Set<String> missing = DashboardMetrics.missingMetrics(queried, scrape.toString());
            assertTrue(missing.isEmpty(), "queried by dashboards/rules but not exported by the services: " + missing);
            // The same scrape holds the docs to the code (one run of the services for both checks).
            List<String> docs = DocMetrics.notExported(root, DashboardMetrics.scrapedNames(scrape.toString()));
            assertTrue(docs.isEmpty(), "metric names in the docs that the services do not export:\n  "
                    + String.join("\n  ", docs));
        }
    }
}
