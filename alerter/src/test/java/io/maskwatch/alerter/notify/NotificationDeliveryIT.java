package io.maskwatch.alerter.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.maskwatch.alerter.AlerterMetrics;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Notification;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.common.serde.EventSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Notifications from the real topic to real HTTP endpoints: a webhook that fails (HTTP 500) and then
 * recovers gets each notification exactly once; a Slack endpoint that never recovers sends each
 * notification to the DLQ topic with the reason, and counts it.
 */
class NotificationDeliveryIT {
    private static EmbeddedKafkaBroker broker;
    private static KafkaSettings kafka;
    private static HttpServer http;
    private static final AtomicInteger flakyCalls = new AtomicInteger();
    private static final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
    private static final List<String> slackBodies = Collections.synchronizedList(new ArrayList<>());
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), KafkaSettings.TopicNames.defaults(), 1, (short) 1, true);
        TopicSetup.ensureTopics(kafka);
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        http.createContext("/flaky", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            int n = flakyCalls.incrementAndGet();
            int status = n <= 3 ? 500 : 204; // down for the first three requests, then fine
            if (status == 204) {
                JsonNode j = JSON.readTree(body);
                String id = j.get("notification_id").asText();
                if (!id.equals(ex.getRequestHeaders().getFirst("Idempotency-Key"))) {
                    status = 400;
                } else {
                    delivered.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                }
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        http.createContext("/slack-down", ex -> {
            slackBodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        http.start();
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.stop(0);
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    private static Notification notification(String id, long now) {
        return new Notification(2, id, "entrance-a", "Entrance A", now - 5_000, now, List.of(id.substring(2)),
                List.of(PersonStatus.UNMASKED),
                "1 person without a mask at Entrance A in the last 10 s",
                List.of("http://alerter.test/api/alerts/" + id.substring(2) + "/face.jpg"));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void retriesUntilDeliveredAndDeadLettersWhatNeverGetsThrough() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AlerterMetrics metrics = new AlerterMetrics(registry);
        HttpClient client = HttpClient.newHttpClient();
        List<Sink> sinks = List.of(
                Sink.of(new SinkConfig("webhook", "ops", url("/flaky"), Map.of(), 2_000L, 5, 20L, 200L), client),
                Sink.of(new SinkConfig("slack", "chat", url("/slack-down"), Map.of(), 2_000L, 2, 10L, 50L), client));
        NotificationConfig cfg = new NotificationConfig(10_000, 60_000, 3_600_000, List.of());
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ClientConfigs.producer(kafka, "test"))) {
            for (String id : List.of("n-a1", "n-a2")) {
                producer.send(new ProducerRecord<>(kafka.topics().notifications(), "entrance-a",
                        EventSerdes.notifications().serialize(null, notification(id, now)))).get();
            }
            // A notification too old to be worth sending, and one that is not a notification at all.
            producer.send(new ProducerRecord<>(kafka.topics().notifications(), "entrance-a",
                    EventSerdes.notifications().serialize(null, notification("n-old", now - 7_200_000)))).get();
            producer.send(new ProducerRecord<>(kafka.topics().notifications(), "entrance-a",
                    "{\"oops\":1}".getBytes(StandardCharsets.UTF_8))).get();
        }

        try (NotificationDispatcher d = new NotificationDispatcher(cfg, kafka, "delivery-it", sinks, metrics, Clock.systemUTC())) {
            d.start();
            await("both notifications delivered to the webhook", () -> delivered.size() == 2);
            await("DLQ records counted", () -> registry.find("maskwatch.alerter.notifications.dlq").counters().stream()
                    .mapToDouble(c -> c.count()).sum() >= 5);
            Thread.sleep(500);
        }
        assertEquals(1, delivered.get("n-a1").get(), "delivered exactly once after the 500s");
        assertEquals(1, delivered.get("n-a2").get());
        assertEquals(5, flakyCalls.get(), "three failures, then one success per notification");
        assertEquals(2.0, registry.get("maskwatch.alerter.notifications").tags("sink", "ops", "result", "delivered").counter().count());
        assertEquals(3.0, registry.get("maskwatch.alerter.notifications").tags("sink", "chat", "result", "failed").counter().count());
        assertEquals(3.0, registry.get("maskwatch.alerter.notifications.dlq").tags("sink", "chat").counter().count());
        assertEquals(1.0, registry.get("maskwatch.alerter.notifications.dlq").tags("sink", "-").counter().count());
        assertEquals(1.0, registry.get("maskwatch.alerter.decode.errors").tags("topic", kafka.topics().notifications()).counter().count());

        // The Slack-compatible payload: {"text": message + snapshot links}.
        assertEquals(6, slackBodies.size(), "1 attempt + 2 retries for each of two notifications");
        String text = JSON.readTree(slackBodies.get(0)).get("text").asText();
        assertTrue(text.startsWith("1 person without a mask at Entrance A"), text);
        assertTrue(text.contains("<http://alerter.test/api/alerts/a1/face.jpg|snapshot 1>"), text);

        List<ConsumerRecord<String, byte[]>> dlq = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(ClientConfigs.consumer(kafka, "dlq-reader", "dlq-reader"))) {
            c.subscribe(List.of(kafka.topics().notificationsDlq()));
            long deadline = System.currentTimeMillis() + 30_000;
            while (dlq.size() < 4 && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(dlq::add);
            }
        }
        List<String> reasons = dlq.stream().map(r -> new String(r.headers().lastHeader(NotificationDispatcher.DLQ_REASON).value(),
                StandardCharsets.UTF_8)).toList();
        assertEquals(4, dlq.size(), () -> "DLQ: " + reasons);
        // Each sink delivers on its own loop, so the DLQ interleaves them: find records by reason.
        ConsumerRecord<String, byte[]> chatA1 = dlq.stream().filter(r -> reason(r).startsWith("sink chat") && EventSerdes.notifications().deserialize(null, r.value()).notificationId()
                .equals("n-a1")).findFirst().orElseThrow(() -> new AssertionError("no chat DLQ record for n-a1: " + reasons));
        assertEquals("sink chat: HTTP 503 after 3 attempts", reason(chatA1));
        assertEquals(kafka.topics().notifications(), new String(chatA1.headers().lastHeader(NotificationDispatcher.DLQ_TOPIC).value(),
                StandardCharsets.UTF_8), "the DLQ record names its original topic for replay");
        assertEquals(1, reasons.stream().filter(r -> r.startsWith("stale")).count(), reasons.toString());
        ConsumerRecord<String, byte[]> oops = dlq.stream().filter(r -> reason(r).startsWith("undecodable notification"))
                .findFirst().orElseThrow();
        assertArrayEquals("{\"oops\":1}".getBytes(StandardCharsets.UTF_8), oops.value());

        // Offsets were committed after delivery: a restarted dispatcher delivers the new notification only.
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ClientConfigs.producer(kafka, "test"))) {
            producer.send(new ProducerRecord<>(kafka.topics().notifications(), "entrance-a",
                    EventSerdes.notifications().serialize(null, notification("n-a3", System.currentTimeMillis())))).get();
        }
        try (NotificationDispatcher d = new NotificationDispatcher(cfg, kafka, "delivery-it", sinks, metrics, Clock.systemUTC())) {
            d.start();
            await("the new notification delivered after the restart", () -> delivered.containsKey("n-a3"));
            Thread.sleep(500);
        }
        assertEquals(6, flakyCalls.get());
        assertEquals(Map.of("n-a1", 1, "n-a2", 1, "n-a3", 1), Map.of("n-a1", delivered.get("n-a1").get(),
                "n-a2", delivered.get("n-a2").get(), "n-a3", delivered.get("n-a3").get()));
    }

    private static String reason(ConsumerRecord<String, byte[]> r) {
        return new String(r.headers().lastHeader(NotificationDispatcher.DLQ_REASON).value(), StandardCharsets.UTF_8);
    }

    private static void assertArrayEquals(byte[] a, byte[] b) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
    }
}
