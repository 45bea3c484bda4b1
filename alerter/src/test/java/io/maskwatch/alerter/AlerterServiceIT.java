package io.maskwatch.alerter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.maskwatch.alerter.alert.AlertPolicy;
import io.maskwatch.alerter.api.TestImages;
import io.maskwatch.alerter.compliance.ComplianceCounts;
import io.maskwatch.alerter.notify.NotificationConfig;
import io.maskwatch.alerter.notify.SinkConfig;
import io.maskwatch.alerter.tracking.CameraState;
import io.maskwatch.alerter.tracking.TrackImages;
import io.maskwatch.alerter.tracking.Persons;
import io.maskwatch.alerter.tracking.Tracker;
import io.maskwatch.alerter.tracking.TrackingOutput;
import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.ComplianceWindow;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.Face;
import io.maskwatch.common.contract.PersonEvent;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.common.observability.ServiceHttpServer;
import io.maskwatch.common.serde.EventSerdes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The alerter service on a real broker: scripted detections in; alerts, persons, compliance and
 * delivered notifications out. The service is closed and started again (same application id and
 * state directory) while detections keep arriving: every expected alert exists exactly once.
 */
class AlerterServiceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long STEP = 250;

    private EmbeddedKafkaBroker broker;
    private KafkaSettings kafka;
    private Path stateDir;
    private HttpServer webhook;
    private final List<JsonNode> notifications = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), KafkaSettings.TopicNames.defaults(), 2, (short) 1, true);
        stateDir = Files.createTempDirectory("alerter-it-state-");
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        webhook.createContext("/hook", ex -> {
            notifications.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        webhook.start();
    }

    @AfterEach
    void stop() {
        if (webhook != null) {
            webhook.stop(0);
        }
        if (broker != null) {
            broker.close();
        }
        EmbeddedDirs.delete(stateDir);
    }

    private static final String TOKEN = "alerter-it-token-0123456789";

    private AlerterConfig config() {
        return AlerterConfig.defaults()
                .withApplicationId("alerter-it")
                .withApiToken(TOKEN)
                .withStateDir(stateDir.toString())
                .withHttp("127.0.0.1", 0, null)
                .withCommitIntervalMs(100)
                // A restarted instance takes over when the old member's session expires.
                .withStreamsProperties(Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1000"))
                .withNotifications(new NotificationConfig(500, 500, 3_600_000, List.of(
                        SinkConfig.http("webhook", "ops", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook")
                                .withRetries(3, 50, 200))));
    }

    /** A person crossing the view of {@code camera}, then nobody for 4 s. */
    private static List<DetectionEvent> person(String camera, long from, int frames, double pNoMask, int seed) {
        List<DetectionEvent> out = new ArrayList<>();
        byte[] crop = TestImages.face(seed);
        byte[] heat = TestImages.heatmap(seed);
        for (int i = 0; i < frames; i++) {
            long ts = from + i * STEP;
            Face f = Script.face(100 + i * 40, 300, 70 + i, pNoMask, crop).withImages(crop, heat);
            out.add(DetectionEvent.of(camera, ts, ts, ts + 40, 1280, 720, "test", "m@test", List.of(f)));
        }
        long end = from + frames * STEP;
        for (long ts = end; ts < end + 4_000; ts += STEP) {
            out.add(DetectionEvent.of(camera, ts, ts, ts + 40, 1280, 720, "test", "m@test", List.of()));
        }
        return out;
    }

    /** Per camera: unmasked, masked, unmasked, unmasked, masked people one after another. */
    private static List<DetectionEvent> camera(String camera, long base, int seed) {
        List<DetectionEvent> out = new ArrayList<>();
        double[] p = {0.93, 0.05, 0.88, 0.95, 0.1};
        long t = base;
        for (int i = 0; i < p.length; i++) {
            List<DetectionEvent> one = person(camera, t, 14 + i, p[i], seed + i);
            out.addAll(one);
            t = one.get(one.size() - 1).captureTimestampMs() + STEP;
        }
        return out;
    }

    /** What the alerter must produce: the same tracker, run directly over each camera's detections. */
    private record Expected(Set<String> alertIds, ComplianceCounts facility) {
    }

    private static Expected reference(AlerterConfig cfg, List<DetectionEvent> all) {
        Persons tracker = new Persons(new Tracker(cfg.tracking()), AlertPolicy.of(cfg.tracking(), cfg.alerts()),
                cfg.compliance().windowMs());
        Map<String, CameraState> states = new HashMap<>();
        TrackImages images = TrackImages.inMemory();
        Set<String> alerts = new TreeSet<>();
        ComplianceCounts facility = ComplianceCounts.ZERO;
        List<TrackingOutput> outputs = new ArrayList<>();
        for (DetectionEvent e : all) {
            Persons.Step s = tracker.onDetection(states.get(e.cameraId()), e, 0, images);
            states.put(e.cameraId(), s.state());
            outputs.addAll(s.outputs());
        }
        for (CameraState st : states.values()) {
            outputs.addAll(tracker.onIdle(st, Long.MAX_VALUE / 2, 0, images).outputs());
        }
        for (TrackingOutput o : outputs) {
            if (o instanceof TrackingOutput.AlertRaised a) {
                alerts.add(a.alert().alertId());
            } else if (o instanceof TrackingOutput.Counts c) {
                facility = facility.plus(c.delta());
            }
        }
        return new Expected(alerts, facility);
    }

    private static void await(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Reads a topic (read_committed) in the background. */
    private final class TopicReader<T> implements AutoCloseable {
        final List<T> values = Collections.synchronizedList(new ArrayList<>());
        /** Sum of the consumer's positions over its partitions, after the last poll. */
        volatile long position;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        TopicReader(String topic, java.util.function.Function<byte[], T> decode) {
            thread = new Thread(() -> {
                try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(ClientConfigs.consumer(kafka, "it-" + topic, "it-" + topic))) {
                    c.subscribe(List.of(topic));
                    while (running.get()) {
                        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                            values.add(decode.apply(r.value()));
                        }
                        position = c.assignment().stream().mapToLong(c::position).sum();
                    }
                }
            }, "it-reader-" + topic);
            thread.start();
        }

        List<T> snapshot() {
            synchronized (values) {
                return new ArrayList<>(values);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }

    private record Running(AlerterService service, ServiceHttpServer http, PrometheusMeterRegistry registry)
            implements AutoCloseable {
        @Override
        public void close() {
            service.close();
            http.close();
        }
    }

    private Running startAlerter(AlerterConfig cfg) throws Exception {
        PrometheusMeterRegistry registry = Metrics.newRegistry("alerter");
        ServiceHttpServer http = new ServiceHttpServer("alerter", "127.0.0.1", 0, registry);
        List<CameraConfig> cameras = List.of(new CameraConfig("entrance-a", "Entrance A", "rtsp://u:pw@cam/1", 2, 1280, 85,
                true, "tcp", false));
        AlerterService service = new AlerterService(cfg, kafka, cameras, registry).bind(http);
        http.start();
        service.start();
        return new Running(service, http, registry);
    }

    private static void produce(KafkaProducer<String, byte[]> producer, String topic, List<DetectionEvent> events,
                                long pauseMs) throws Exception {
        boolean first = true;
        for (DetectionEvent e : events) {
            var sent = producer.send(new ProducerRecord<>(topic, null, e.captureTimestampMs(), e.cameraId(),
                    EventSerdes.detections().serialize(topic, e)));
            if (first) {
                // The first write to a just-created partition alone: with several batches in flight, a
                // NotLeaderOrFollower on the first left the idempotent producer retrying forever
                // (OutOfOrderSequenceException, twice in CI rehearsals).
                sent.get();
                first = false;
            }
            if (pauseMs > 0) {
                Thread.sleep(pauseMs);
            }
        }
        producer.flush();
    }

    @Test
    void detectionsToAlertsAndComplianceAcrossARestart() throws Exception {
        AlerterConfig cfg = config();
        long now = System.currentTimeMillis();
        long base = now - 90_000; // recent, so the rolling 15-minute view includes it
        List<DetectionEvent> all = new ArrayList<>(camera("entrance-a", base, 1));
        all.addAll(camera("lobby", base + 1_300, 10));
        all.sort(Comparator.comparingLong(DetectionEvent::captureTimestampMs));
        Expected expected = reference(cfg, all);
        assertEquals(6, expected.alertIds().size(), "3 unmasked people per camera: " + expected.alertIds());
        List<DetectionEvent> first = all.subList(0, all.size() / 3);
        List<DetectionEvent> rest = all.subList(all.size() / 3, all.size());
        String topic = kafka.topics().detections();

        try (TopicReader<Alert> alerts = new TopicReader<>(kafka.topics().alerts(), b -> EventSerdes.alerts().deserialize(null, b));
             TopicReader<io.maskwatch.common.contract.AlertImages> images = new TopicReader<>(kafka.topics().alertImages(),
                     b -> EventSerdes.alertImages().deserialize(null, b));
             TopicReader<PersonEvent> persons = new TopicReader<>(kafka.topics().persons(), b -> EventSerdes.persons().deserialize(null, b));
             TopicReader<ComplianceWindow> compliance = new TopicReader<>(kafka.topics().compliance(),
                     b -> EventSerdes.compliance().deserialize(null, b));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ClientConfigs.producer(kafka, "it-detector"))) {
            Running alerter = startAlerter(cfg);
            int alertsAtClose;
            try {
                produce(producer, topic, first, 0);
                producer.send(new ProducerRecord<>(topic, "lobby", "not a detection".getBytes(StandardCharsets.UTF_8))).get();
                await("the first alert", 90_000, () -> !alerts.snapshot().isEmpty());
                PrometheusMeterRegistry reg = alerter.registry();
                await("the bad record counted and skipped", 30_000,
                        () -> reg.get("maskwatch.alerter.decode.errors").tags("topic", topic).counter().count() == 1.0);
            } finally {
                // Detections keep coming while the alerter goes down and comes back.
                java.util.concurrent.CountDownLatch feeding = new java.util.concurrent.CountDownLatch(1);
                Thread feeder = new Thread(() -> {
                    try {
                        produce(producer, topic, rest.subList(0, 10), 30);
                        feeding.countDown();
                        produce(producer, topic, rest.subList(10, rest.size()), 30);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "it-feeder");
                feeder.start();
                assertTrue(feeding.await(60, java.util.concurrent.TimeUnit.SECONDS), "the feeder is sending");
                alerter.close();
                alertsAtClose = alerts.snapshot().size();
                alerter = startAlerter(cfg);
                feeder.join(120_000);
            }
            try (Running second = alerter) {
                await("every expected alert", 120_000, () -> alerts.snapshot().stream().map(Alert::alertId)
                        .collect(java.util.stream.Collectors.toSet()).containsAll(expected.alertIds()));
                await("every track ended", 60_000, () -> {
                    List<PersonEvent> ps = persons.snapshot();
                    return ps.stream().filter(p -> p.type() == PersonEvent.Type.STARTED).count()
                            == ps.stream().filter(p -> p.type() == PersonEvent.Type.ENDED).map(PersonEvent::trackId).distinct().count()
                            && ps.stream().anyMatch(p -> p.type() == PersonEvent.Type.ENDED);
                });
                // Anything duplicated has arrived once the alerter has committed every detection (its
                // outputs commit in the same transaction) and the reader has read up to the alerts'
                // last stable offset. Events, not a fixed sleep.
                awaitAllRead(topic, alerts);

                List<String> ids = alerts.snapshot().stream().map(Alert::alertId).toList();
                assertEquals(ids.size(), new HashSet<>(ids).size(), "no alert twice: " + ids);
                assertEquals(expected.alertIds(), new TreeSet<>(ids), "no alert lost, none invented");
                assertTrue(alertsAtClose < ids.size(), "the restart happened mid-stream (" + alertsAtClose + " alerts before it)");

                // Persons: each track started once and ended once.
                List<PersonEvent> ps = persons.snapshot();
                Map<String, Long> started = new HashMap<>();
                Map<String, Long> ended = new HashMap<>();
                for (PersonEvent p : ps) {
                    if (p.type() == PersonEvent.Type.STARTED) {
                        started.merge(p.trackId(), 1L, Long::sum);
                    } else if (p.type() == PersonEvent.Type.ENDED) {
                        ended.merge(p.trackId(), 1L, Long::sum);
                    }
                }
                assertEquals(10, started.size(), "ten people walked past");
                assertEquals(started, ended);

                // Compliance: the latest record per facility window adds up to what the reference counted.
                // The facility counts pass a repartition topic, committed separately from the detections:
                // wait for them to arrive (a deadline, not a sleep), then check them exactly.
                await("facility compliance for every person", 60_000, () -> latestFacility(compliance.snapshot()).values()
                        .stream().mapToLong(ComplianceWindow::persons).sum() >= expected.facility().persons());
                Map<Long, ComplianceWindow> facility = new HashMap<>();
                for (ComplianceWindow w : compliance.snapshot()) {
                    if (w.cameraId().equals(ComplianceWindow.FACILITY)) {
                        facility.put(w.windowStartMs(), w);
                    }
                }
                long persons10 = facility.values().stream().mapToLong(ComplianceWindow::persons).sum();
                long masked = facility.values().stream().mapToLong(ComplianceWindow::masked).sum();
                long unmasked = facility.values().stream().mapToLong(ComplianceWindow::unmasked).sum();
                assertEquals(expected.facility().persons(), persons10);
                assertEquals(10, persons10);
                assertEquals(4, masked);
                assertEquals(6, unmasked);

                // The API after the restart: rebuilt from the topics.
                HttpClient client = HttpClient.newHttpClient();
                String api = second.http().baseUrl();
                await("API ready", 30_000, () -> second.service().readiness().problem() == null);
                JsonNode list = JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(api + "/api/alerts?limit=100")).header("Authorization", "Bearer " + TOKEN).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).body());
                assertEquals(6, list.get("count").asInt(), list.toString());
                JsonNode one = list.get("alerts").get(0);
                HttpResponse<byte[]> face = client.send(HttpRequest.newBuilder(URI.create(api + one.get("face_url").asText())).header("Authorization", "Bearer " + TOKEN).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, face.statusCode());
                assertEquals((byte) 0xFF, face.body()[0]);
                assertEquals((byte) 0xD8, face.body()[1]);
                Alert fromTopic = alerts.snapshot().stream().filter(a -> a.alertId().equals(one.get("alert_id").asText()))
                        .findFirst().orElseThrow();
                assertNull(fromTopic.faceJpeg(), "schema 3: the alerts topic holds no face");
                await("the alert's images", 15_000, () -> images.snapshot().stream()
                        .anyMatch(i -> i.alertId().equals(fromTopic.alertId())));
                assertArrayEquals(images.snapshot().stream().filter(i -> i.alertId().equals(fromTopic.alertId()))
                        .findFirst().orElseThrow().faceJpeg(), face.body(), "the API serves the face joined from alert-images");
                JsonNode comp = JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(api + "/api/compliance")).header("Authorization", "Bearer " + TOKEN).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).body());
                assertEquals(10, comp.get("facility").get("rolling").get("persons").asLong(), comp.toString());
                assertEquals(0.4, comp.get("facility").get("rolling").get("compliance").asDouble(), 1e-9);
                String metrics = client.send(HttpRequest.newBuilder(URI.create(api + "/metrics")).header("Authorization", "Bearer " + TOKEN).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(metrics.contains("maskwatch_alerter_compliance_ratio{camera=\"_facility\",service=\"alerter\"} 0.4"),
                        "gauge from the rolling view");
                assertFalse(metrics.contains("pw@"), "camera URLs never reach metrics");

                // Notifications: every alert reached the webhook, grouped per camera, with the camera's name.
                await("notifications for every alert", 30_000, () -> notifiedAlerts().containsAll(expected.alertIds()));
                Map<String, String> notificationOfAlert = new HashMap<>();
                for (JsonNode n : List.copyOf(notifications)) {
                    for (JsonNode a : n.get("alert_ids")) {
                        String prev = notificationOfAlert.put(a.asText(), n.get("notification_id").asText());
                        assertTrue(prev == null || prev.equals(n.get("notification_id").asText()),
                                "an alert belongs to one notification");
                    }
                    if (n.get("camera_id").asText().equals("entrance-a")) {
                        assertTrue(n.get("message").asText().contains("at Entrance A"), n.toString());
                    }
                    assertNotNull(n.get("snapshot_urls").get(0));
                }
            }
        }
    }

    private static Map<Long, ComplianceWindow> latestFacility(List<ComplianceWindow> windows) {
        Map<Long, ComplianceWindow> facility = new HashMap<>();
        for (ComplianceWindow w : windows) {
            if (w.cameraId().equals(ComplianceWindow.FACILITY)) {
                facility.put(w.windowStartMs(), w);
            }
        }
        return facility;
    }

    private void awaitAllRead(String input, TopicReader<?> reader) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(kafka.clientConfig())) {
            await("the alerter committed every detection and the reader caught up", 60_000, () -> {
                try {
                    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
                            admin.listConsumerGroupOffsets("alerter-it").partitionsToOffsetAndMetadata().get();
                    long inputEnd = endOffsets(admin, input, org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED);
                    long inputCommitted = committed.entrySet().stream().filter(e -> e.getKey().topic().equals(input))
                            .mapToLong(e -> e.getValue().offset()).sum();
                    long stable = endOffsets(admin, kafka.topics().alerts(), org.apache.kafka.common.IsolationLevel.READ_COMMITTED);
                    return inputCommitted >= inputEnd && reader.position >= stable;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    private static long endOffsets(org.apache.kafka.clients.admin.Admin admin, String topic,
                                   org.apache.kafka.common.IsolationLevel isolation) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> spec = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            spec.put(new org.apache.kafka.common.TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
        return admin.listOffsets(spec, new org.apache.kafka.clients.admin.ListOffsetsOptions(isolation)).all().get()
                .values().stream().mapToLong(org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }

    private Set<String> notifiedAlerts() {
        Set<String> out = new HashSet<>();
        for (JsonNode n : List.copyOf(notifications)) {
            n.get("alert_ids").forEach(a -> out.add(a.asText()));
        }
        return out;
    }
}
