package io.maskwatch.alerter.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskwatch.alerter.AlerterConfig;
import io.maskwatch.alerter.AlerterService;
import io.maskwatch.alerter.api.TestImages;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.common.observability.ServiceHttpServer;
import io.maskwatch.common.serde.EventSerdes;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Acknowledge, false alarm, erase and the audit trail on the real alerter service and a real broker:
 * reviews survive a restart and reach every replica; an erased alert's face, heat map and notification
 * link answer 404, its review's latest value is a tombstone, and a fresh alerter does not bring it back.
 */
class AlertReviewsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "reviews-it-read-token-0123";
    private static final String ADMIN = "reviews-it-admin-token-4567";

    private EmbeddedKafkaBroker broker;
    private KafkaSettings kafka;
    private final List<Path> dirs = new ArrayList<>();
    private final List<AutoCloseable> running = new ArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), KafkaSettings.TopicNames.defaults(), 2, (short) 1, true);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        if (broker != null) {
            broker.close();
        }
        dirs.forEach(io.maskwatch.common.io.Directories::deleteRecursively);
    }

    static Alert alert(String camera, int n, long ts) {
        String track = camera + "-" + (ts - 5_000) + "-0";
        return new Alert(2, track + "-1", camera, track, ts, PersonStatus.UNMASKED, 0.9, 8, new Box(10, 20, 90, 110),
                TestImages.face(n), TestImages.heatmap(n));
    }

    /**
     * Writes alerts as the topology does: schema 3 without images (key camera id), the images apart
     * (key alert id); schema 1 and 2 alerts as older alerters did, images inline.
     */
    static void produceAlerts(KafkaSettings kafka, List<Alert> alerts) throws Exception {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(ClientConfigs.producer(kafka, "reviews-it-alerts"))) {
            for (Alert a : alerts) {
                boolean split = a.schemaVersion() >= 3;
                if (split && a.hasImages()) {
                    p.send(new ProducerRecord<>(kafka.topics().alertImages(), a.alertId(),
                            EventSerdes.alertImages().serialize(kafka.topics().alertImages(), a.images()))).get();
                }
                p.send(new ProducerRecord<>(kafka.topics().alerts(), a.cameraId(),
                        EventSerdes.alerts().serialize(kafka.topics().alerts(), split ? a.withoutImages() : a))).get();
            }
        }
    }

    static Alert current(Alert a) {
        return new Alert(io.maskwatch.common.contract.SchemaVersions.ALERT, a.alertId(), a.cameraId(), a.trackId(),
                a.timestampMs(), a.status(), a.confidence(), a.frameCount(), a.box(), a.faceJpeg(), a.heatmapJpeg());
    }

    private String startAlerter(String name) throws Exception {
        Path state = Files.createTempDirectory("reviews-it-" + name + "-");
        dirs.add(state);
        AlerterConfig cfg = AlerterConfig.defaults().withApplicationId("reviews-it-" + name).withApiToken(TOKEN)
                .withAdminToken(ADMIN).withStateDir(state.toString()).withHttp("127.0.0.1", 0, null)
                .withCommitIntervalMs(100);
        PrometheusMeterRegistry registry = Metrics.newRegistry("alerter");
        ServiceHttpServer http = new ServiceHttpServer("alerter", "127.0.0.1", 0, registry);
        AlerterService service = new AlerterService(cfg, kafka, List.of(), registry).bind(http);
        running.add(http);
        running.add(service);
        http.start();
        service.start();
        await(name + " ready", 60_000, () -> service.readiness().problem() == null);
        return http.baseUrl();
    }

    @Test
    void acknowledgeMarkEraseAndAuditAcrossReplicasAndRestarts() throws Exception {
        long now = System.currentTimeMillis();
        Alert kept = current(alert("entrance-a", 1, now - 60_000));
        Alert erased = current(alert("entrance-a", 2, now - 30_000));
        Alert third = alert("lobby", 3, now - 10_000); // schema 2: images inline, as older alerters wrote
        TopicSetupForTest.ensure(kafka);
        produceAlerts(kafka, List.of(kept, erased, third));
        String a = startAlerter("a");
        await("alerts in the API", 30_000, () -> list(a, "").size() == 3);

        // Who may: the read token reads, only the admin token changes.
        assertEquals(403, post(a, kept.alertId(), "ack", TOKEN, "{}").statusCode());
        assertEquals(401, post(a, kept.alertId(), "ack", "wrong-token-wrong-token", "{}").statusCode());
        assertEquals(404, post(a, "no-such-alert", "ack", ADMIN, "{}").statusCode());
        HttpResponse<String> bad = post(a, kept.alertId(), "false-alarm", ADMIN, "{\"label\": \"hat\"}");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("label must be one of mask, no_mask, incorrect"), bad.body());
        assertEquals(400, post(a, kept.alertId(), "ack", ADMIN, "not json").statusCode());

        HttpResponse<String> ack = post(a, kept.alertId(), "ack", ADMIN, "{\"note\": \"spoke to them\"}");
        assertEquals(200, ack.statusCode(), ack.body());
        assertEquals("admin", JSON.readTree(ack.body()).path("acknowledged").path("by").asText());
        HttpResponse<String> fa = post(a, kept.alertId(), "false-alarm", ADMIN, "{\"note\": \"a scarf\", \"label\": \"mask\"}");
        assertEquals(200, fa.statusCode(), fa.body());
        assertEquals(200, post(a, erased.alertId(), "ack", ADMIN, "").statusCode()); // no body at all is fine

        JsonNode k = byId(list(a, "")).get(kept.alertId());
        assertEquals("spoke to them", k.path("acknowledged").path("note").asText());
        assertEquals("admin", k.path("false_alarm").path("by").asText());
        assertEquals("mask", k.path("false_alarm").path("label").asText());
        assertTrue(k.path("acknowledged").path("at_ms").asLong() >= now);
        assertFalse(byId(list(a, "")).get(third.alertId()).has("acknowledged"));
        assertEquals(List.of(third.alertId()), new ArrayList<>(byId(list(a, "?unacknowledged=true")).keySet()));
        assertEquals(400, get(a, "/api/alerts?unacknowledged=maybe", TOKEN).statusCode());

        // A view, then the erasure.
        JsonNode e = byId(list(a, "")).get(erased.alertId());
        String shareLink = e.path("share_face_url").asText();
        assertEquals(200, get(a, e.path("face_url").asText(), TOKEN).statusCode());
        assertEquals(200, client.send(HttpRequest.newBuilder(URI.create(shareLink)).build(),
                HttpResponse.BodyHandlers.ofByteArray()).statusCode());
        assertEquals(403, delete(a, erased.alertId(), TOKEN).statusCode());
        HttpResponse<String> del = delete(a, erased.alertId(), ADMIN);
        assertEquals(200, del.statusCode(), del.body());
        assertTrue(JSON.readTree(del.body()).path("was_listed").asBoolean());
        assertEquals(404, get(a, "/api/alerts/" + erased.alertId(), TOKEN).statusCode());
        assertEquals(404, get(a, e.path("face_url").asText(), TOKEN).statusCode());
        assertEquals(404, get(a, e.path("heatmap_url").asText(), TOKEN).statusCode());
        assertEquals(404, client.send(HttpRequest.newBuilder(URI.create(shareLink)).build(),
                HttpResponse.BodyHandlers.ofByteArray()).statusCode(), "the notification's snapshot link is dead");
        assertEquals(404, post(a, erased.alertId(), "ack", ADMIN, "{}").statusCode(), "ack of an erased alert");
        assertFalse(byId(list(a, "")).containsKey(erased.alertId()));

        // The compacted reviews topic: the erased alert's latest value is a tombstone; the erasure marker is kept.
        Map<String, List<byte[]>> reviews = readAll(kafka.topics().alertReviews());
        List<byte[]> history = reviews.get(erased.alertId());
        assertTrue(history.size() >= 2, "the ack, then the tombstone");
        assertNull(history.get(history.size() - 1), "latest value of the erased alert's review is a tombstone");
        assertTrue(readAll(kafka.topics().alertErasures()).containsKey(erased.alertId()));

        // The compacted alert-images topic: the erased alert's face and heat map end in a tombstone
        // (compaction removes them), and the alerts topic never held them.
        List<byte[]> images = readAll(kafka.topics().alertImages()).get(erased.alertId());
        assertTrue(images.size() >= 2 && images.get(0) != null, "the images, then the tombstone");
        assertNull(images.get(images.size() - 1), "latest value of the erased alert's images is a tombstone");
        int erasedRecords = 0;
        for (List<byte[]> values : readAll(kafka.topics().alerts()).values()) {
            for (byte[] v : values) {
                Alert rec = EventSerdes.alerts().deserialize(kafka.topics().alerts(), v);
                if (rec.alertId().equals(erased.alertId())) {
                    erasedRecords++;
                    assertNull(rec.faceJpeg(), "no face bytes in the alerts topic");
                    assertNull(rec.heatmapJpeg(), "no heat map bytes in the alerts topic");
                }
            }
        }
        assertEquals(1, erasedRecords);

        // The audit topic: who viewed and who erased, never a token.
        await("audit records", 15_000, () -> audit().stream().anyMatch(r -> r.path("action").asText().equals("erase")));
        List<JsonNode> audit = audit();
        assertTrue(audit.stream().anyMatch(r -> r.path("action").asText().equals("view_face")
                && r.path("by").asText().equals("read") && r.path("alert_id").asText().equals(erased.alertId())), audit.toString());
        assertTrue(audit.stream().anyMatch(r -> r.path("action").asText().equals("view_face")
                && r.path("by").asText().equals("link")), "the signed link's view is recorded too");
        assertTrue(audit.stream().anyMatch(r -> r.path("action").asText().equals("erase")
                && r.path("by").asText().equals("admin") && r.path("alert_id").asText().equals(erased.alertId())
                && r.path("at_ms").asLong() >= now));
        assertTrue(audit.stream().anyMatch(r -> r.path("action").asText().equals("acknowledge")));
        assertFalse(audit.toString().contains(TOKEN) || audit.toString().contains(ADMIN), "no token in the audit trail");

        // A second, fresh alerter (new state, new application id) while the first runs: the erased face
        // stays gone, the reviews are there, and what one replica records the other shows.
        String b = startAlerter("b");
        await("history in the fresh alerter", 30_000, () -> list(b, "").size() == 2);
        Map<String, JsonNode> onB = byId(list(b, ""));
        assertFalse(onB.containsKey(erased.alertId()));
        assertEquals(404, get(b, "/api/alerts/" + erased.alertId() + "/face.jpg", TOKEN).statusCode());
        assertEquals(404, get(b, "/api/alerts/" + erased.alertId() + "/heatmap.jpg", TOKEN).statusCode());
        // The fresh alerter joined the kept alert's images from alert-images, and the old inline record still works.
        HttpResponse<byte[]> keptFace = client.send(HttpRequest.newBuilder(URI.create(b + "/api/alerts/" + kept.alertId()
                + "/face.jpg")).header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, keptFace.statusCode());
        org.junit.jupiter.api.Assertions.assertArrayEquals(kept.faceJpeg(), keptFace.body());
        assertEquals(200, get(b, "/api/alerts/" + third.alertId() + "/face.jpg", TOKEN).statusCode(), "schema 2 alert's face");
        assertEquals("a scarf", onB.get(kept.alertId()).path("false_alarm").path("note").asText());
        assertEquals(200, post(b, third.alertId(), "ack", ADMIN, "{}").statusCode());
        await("replica a sees b's acknowledgement", 15_000, () -> list(a, "?unacknowledged=true").isEmpty());
    }

    // --- helpers ---

    private HttpResponse<String> post(String base, String id, String action, String token, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + "/api/alerts/" + id + "/" + action))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> delete(String base, String id, String token) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + "/api/alerts/" + id))
                .header("Authorization", "Bearer " + token).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String base, String path, String token) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<JsonNode> list(String base, String query) {
        try {
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(get(base, "/api/alerts" + query, TOKEN).body()).path("alerts").forEach(out::add);
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, JsonNode> byId(List<JsonNode> alerts) {
        Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
        alerts.forEach(n -> out.put(n.path("alert_id").asText(), n));
        return out;
    }

    private List<JsonNode> audit() {
        List<JsonNode> out = new ArrayList<>();
        readAll(kafka.topics().audit()).values().forEach(vs -> vs.forEach(v -> {
            try {
                out.add(JSON.readTree(v));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }));
        return out;
    }

    /** Every record of a topic, by key, in offset order (values may be null: tombstones). */
    Map<String, List<byte[]>> readAll(String topic) {
        Properties p = ClientConfigs.consumer(kafka, "unused", "reviews-it-reader");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Map<String, List<byte[]>> out = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.computeIfAbsent(r.key(), x -> new ArrayList<>()).add(r.value());
                }
            }
        }
        return out;
    }

    static void await(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** The alerter creates the topics too; the test writes alerts before it starts. */
    static final class TopicSetupForTest {
        static void ensure(KafkaSettings kafka) {
            io.maskwatch.common.kafka.TopicSetup.ensureTopics(kafka);
        }
    }
}
