package io.maskwatch.alerter.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.maskwatch.alerter.AlerterMetrics;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Notification;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.common.serde.EventSerdes;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Two real HTTP receivers: one hangs on its first request (its sink's timeout is a minute), the
 * other answers at once. The healthy one must get every notification while the hanging one is
 * still stuck on the first: sinks deliver independently. Delivery used to be sink after sink per
 * record, so the healthy receiver got nothing until the hanging request timed out.
 */
class SinkIndependenceIT {

    @Test
    void aHangingSinkDoesNotDelayAHealthyOne() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger hangingRequests = new AtomicInteger();
        Set<String> received = ConcurrentHashMap.newKeySet();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        http.setExecutor(Executors.newCachedThreadPool());
        http.createContext("/hang", ex -> {
            hangingRequests.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            try {
                release.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        http.createContext("/ok", ex -> {
            ex.getRequestBody().readAllBytes();
            received.add(ex.getRequestHeaders().getFirst("Idempotency-Key"));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        http.start();
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), KafkaSettings.TopicNames.defaults(),
                    1, (short) 1, true);
            TopicSetup.ensureTopics(kafka);
            long now = System.currentTimeMillis();
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(ClientConfigs.producer(kafka, "test"))) {
                for (String id : List.of("n-1", "n-2", "n-3")) {
                    Notification n = new Notification(2, id, "cam", "Cam", now - 5_000, now, List.of(id),
                            List.of(PersonStatus.UNMASKED), "1 person without a mask at Cam", List.of());
                    p.send(new ProducerRecord<>(kafka.topics().notifications(), "cam",
                            EventSerdes.notifications().serialize(null, n))).get();
                }
            }
            HttpClient client = HttpClient.newHttpClient();
            // The hanging sink comes first: with serial delivery it would hold up the other.
            List<Sink> sinks = List.of(
                    Sink.of(new SinkConfig("webhook", "stuck", base + "/hang", Map.of(), 60_000L, 0, 10L, 10L), client),
                    Sink.of(new SinkConfig("webhook", "healthy", base + "/ok", Map.of(), 5_000L, 2, 10L, 50L), client));
            try (NotificationDispatcher d = new NotificationDispatcher(new NotificationConfig(10_000, 60_000, 3_600_000,
                    List.of()), kafka, "independence-it", sinks, new AlerterMetrics(new SimpleMeterRegistry()),
                    Clock.systemUTC())) {
                d.start();
                long deadline = System.currentTimeMillis() + 45_000; // well inside the stuck sink's 60 s timeout
                while (received.size() < 3 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(Set.of("n-1", "n-2", "n-3"), received, "the healthy sink got everything");
                assertEquals(1, hangingRequests.get(), "while the stuck sink is still on its first request");
                assertTrue(d.problem() == null, "a slow sink is not a dead one: " + d.problem());
                release.countDown(); // let the stuck request end so close() is quick
            }
        } finally {
            release.countDown();
            http.stop(0);
        }
    }
}
