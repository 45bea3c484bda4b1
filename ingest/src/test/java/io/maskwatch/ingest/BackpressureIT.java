package io.maskwatch.ingest;

import static io.maskwatch.ingest.RtspIngestIT.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.ingest.testing.FrameCollector;
import io.maskwatch.ingest.testing.TestMedia;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka slow, stopped or never there: the cameras keep running, memory held for unsent frames stays
 * within queue-capacity x cameras + max-in-flight frames, and every dropped frame is counted.
 */
class BackpressureIT {
    private static final int QUEUE = 3;
    private static final int IN_FLIGHT = 4;

    private static IngestSettings settings() {
        return IngestSettings.defaults().withHttpPort(0).withQueueCapacity(QUEUE)
                .withProducer(new IngestSettings.Producer(IN_FLIGHT, 4L * 1024 * 1024, 500, 3000, 1000, 0));
    }

    private static List<CameraConfig> cameras(Path clip) {
        return List.of(
                new CameraConfig("bp-1", null, clip.toString(), 10, 0, 90, true, "tcp", true),
                new CameraConfig("bp-2", null, clip.toString(), 10, 0, 90, true, "tcp", true));
    }

    @Test
    void brokerStoppingMidStreamDropsOldestFramesWithinBoundedMemory(@TempDir Path tmp) throws Exception {
        Path clip = TestMedia.generateClip(tmp, "bp.mp4", 640, 360, 25, 4);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        try {
            KafkaSettings kafka = KafkaSettings.defaults().withBootstrapServers(broker.bootstrapServers());
            TopicSetup.ensureTopics(kafka);
            PrometheusMeterRegistry registry = Metrics.newRegistry("ingest");
            int maxJpeg;
            try (FrameCollector collector = new FrameCollector(kafka);
                 IngestService service = new IngestService(settings(), cameras(clip), kafka, registry)) {
                service.start();
                assertTrue(collector.await("bp-1", 10, Duration.ofSeconds(60)));
                assertTrue(collector.await("bp-2", 10, Duration.ofSeconds(60)));
                double queueDropsBefore = dropped(registry, "queue_full");
                maxJpeg = collector.records().stream().mapToInt(r -> r.value().length).max().orElseThrow();
                collector.close();

                broker.close(); // Kafka goes away mid-stream
                double grabbedBefore = counter(registry, "maskwatch.ingest.frames.grabbed");
                int maxPendingFrames = 0;
                long maxPendingBytes = 0;
                // Watch the queues until the cameras have decoded 200 more frames and dropped 20 (a
                // generous deadline instead of a fixed window: a loaded machine decodes more slowly).
                long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (System.nanoTime() < end && !(counter(registry, "maskwatch.ingest.frames.grabbed") > grabbedBefore + 200
                        && dropped(registry, "queue_full") > queueDropsBefore + 20)) {
                    maxPendingFrames = Math.max(maxPendingFrames, service.pendingFrames());
                    maxPendingBytes = Math.max(maxPendingBytes, service.pendingBytes());
                    Thread.sleep(50);
                }
                int bound = QUEUE * 2 + IN_FLIGHT;
                assertTrue(maxPendingFrames <= bound, "pending frames " + maxPendingFrames + " > bound " + bound);
                assertTrue(maxPendingBytes <= (long) bound * maxJpeg * 2, "pending bytes " + maxPendingBytes);
                assertTrue(maxPendingFrames >= QUEUE, "queues did fill up while Kafka was gone");
                assertTrue(dropped(registry, "queue_full") > queueDropsBefore + 20,
                        "oldest frames dropped and counted: " + dropped(registry, "queue_full"));
                awaitTrue(() -> dropped(registry, "send_failed") > 0, Duration.ofSeconds(20),
                        "in-flight frames that Kafka never acknowledged are counted as send_failed");
                assertTrue(counter(registry, "maskwatch.ingest.frames.grabbed") > grabbedBefore + 200,
                        "cameras keep decoding while Kafka is down");
                assertEquals(1.0, registry.get("maskwatch.ingest.camera.up").tag("camera", "bp-1").gauge().value());
                assertNotNull(service.readiness().problem(), "not ready while Kafka refuses frames");
            }
        } finally {
            broker.close();
        }
    }

    @Test
    void unreachableBrokerFromTheStartCostsDropsNotMemory(@TempDir Path tmp) throws Exception {
        Path clip = TestMedia.generateClip(tmp, "bp-small.mp4", 320, 240, 25, 2);
        KafkaSettings nowhere = KafkaSettings.defaults().withBootstrapServers("127.0.0.1:" + BadSourcesIT.freePort());
        PrometheusMeterRegistry registry = Metrics.newRegistry("ingest");
        try (IngestService service = new IngestService(settings(), cameras(clip), nowhere, registry)) {
            service.start();
            awaitTrue(() -> dropped(registry, "queue_full") > 10 && dropped(registry, "send_failed") > 0,
                    Duration.ofSeconds(30), "drops counted by reason");
            // Keep watching while 20 more frames are dropped (counts, not a fixed time).
            double drops = dropped(registry, "queue_full");
            int maxPending = 0;
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < end && dropped(registry, "queue_full") < drops + 20) {
                maxPending = Math.max(maxPending, service.pendingFrames());
                Thread.sleep(50);
            }
            assertTrue(maxPending <= QUEUE * 2 + IN_FLIGHT, "pending " + maxPending);
            assertEquals(0.0, counter(registry, "maskwatch.ingest.frames.sent"));
            assertTrue(service.readiness().problem().contains("Kafka is not accepting frames"),
                    service.readiness().problem());
        }
    }

    static double dropped(MeterRegistry registry, String reason) {
        return registry.get("maskwatch.ingest.frames.dropped").tag("reason", reason).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    static double counter(MeterRegistry registry, String name) {
        return registry.get(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
