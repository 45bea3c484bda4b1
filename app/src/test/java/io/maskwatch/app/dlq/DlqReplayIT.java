package io.maskwatch.app.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.cli.Args;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** {@code maskwatch dlq replay} against a real (embedded) broker. */
class DlqReplayIT {

    private static ProducerRecord<String, byte[]> letter(String dlq, long ts, String key, String value, String topicHeader) {
        RecordHeaders h = new RecordHeaders();
        h.add("mw.camera", "cam-1".getBytes(StandardCharsets.UTF_8));
        h.add("mw.dlq.reason", "sink ops: HTTP 503 after 6 attempts".getBytes(StandardCharsets.UTF_8));
        if (topicHeader != null) {
            h.add("mw.dlq.topic", topicHeader.getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(dlq, null, ts, key, value.getBytes(StandardCharsets.UTF_8), h);
    }

    private static List<ConsumerRecord<String, byte[]>> read(KafkaSettings kafka, String topic, int n) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(ClientConfigs.consumer(kafka, "r-" + topic + "-" + n, "r"))) {
            c.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.size() < n && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // and nothing more arrives
            c.poll(Duration.ofMillis(1_000)).forEach(out::add);
        }
        return out;
    }

    @Test
    void replaysLettersToTheirOriginalTopicWithKeyValueAndHeaders() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), KafkaSettings.TopicNames.defaults(),
                    1, (short) 1, true);
            TopicSetup.ensureTopics(kafka);
            String dlq = kafka.topics().notificationsDlq();
            long now = System.currentTimeMillis();
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(ClientConfigs.producer(kafka, "t"))) {
                p.send(letter(dlq, now - 3 * 3_600_000, "cam-1", "old", kafka.topics().notifications())).get();
                p.send(letter(dlq, now, "cam-1", "n-1", kafka.topics().notifications())).get();
                p.send(letter(dlq, now, "cam-2", "n-2", kafka.topics().notifications())).get();
                p.send(letter(dlq, now, "cam-3", "anonymous", null)).get();
            }
            Path config = Files.createTempFile("dlq-it", ".yaml");
            Files.writeString(config, "kafka:\n  bootstrap-servers: " + broker.bootstrapServers() + "\n");

            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            DlqCommand cmd = new DlqCommand(new PrintStream(buf, true, StandardCharsets.UTF_8), Map.of());
            int rc = cmd.run(List.of("replay", "--topic", dlq, "--since", "1h", "--config", config.toString()));
            String printed = buf.toString(StandardCharsets.UTF_8);
            assertEquals(1, rc, "one letter could not be placed: " + printed);
            assertTrue(printed.contains("replayed 2 records {maskwatch.notifications=2}"), printed);
            assertTrue(printed.contains("skipped 1 that do not name their original topic (use --to TOPIC)"), printed);

            List<ConsumerRecord<String, byte[]>> back = read(kafka, kafka.topics().notifications(), 2);
            assertEquals(List.of("n-1", "n-2"), back.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList(),
                    "the letters after --since, not the older one");
            ConsumerRecord<String, byte[]> r = back.get(0);
            assertEquals("cam-1", r.key());
            assertEquals("cam-1", new String(r.headers().lastHeader("mw.camera").value(), StandardCharsets.UTF_8));
            assertNull(r.headers().lastHeader("mw.dlq.reason"), "DLQ bookkeeping dropped");
            assertEquals(dlq + "-0@1", new String(r.headers().lastHeader("mw.replayed-from").value(), StandardCharsets.UTF_8));

            var e = assertThrows(Args.UsageException.class, () -> cmd.run(List.of("replay", "--topic", dlq, "--to",
                    "maskwatch.replayed", "--config", config.toString())));
            assertTrue(e.getMessage().contains("--to maskwatch.replayed: no such topic"), e.getMessage());
            try (Admin admin = Admin.create(kafka.clientConfig())) {
                admin.createTopics(List.of(new NewTopic("maskwatch.replayed", 1, (short) 1))).all().get();
            }
            buf.reset();
            rc = cmd.run(List.of("replay", "--topic", dlq, "--to", "maskwatch.replayed", "--config", config.toString()));
            assertEquals(0, rc, buf.toString(StandardCharsets.UTF_8));
            assertEquals(4, read(kafka, "maskwatch.replayed", 4).size(), "--to takes everything, also what names no topic");
        }
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        DlqCommand cmd = new DlqCommand(new PrintStream(new ByteArrayOutputStream()), Map.of());
        var e = assertThrows(Args.UsageException.class, () -> cmd.run(List.of("replay", "--topic", "x", "--since", "yesterday")));
        assertTrue(e.getMessage().contains("--since 'yesterday' is not a time"), e.getMessage());
        e = assertThrows(Args.UsageException.class, () -> cmd.run(List.of("purge", "--topic", "x")));
        assertTrue(e.getMessage().contains("the only one is 'replay'"), e.getMessage());
        assertEquals(Instant.parse("2026-11-30T08:00:00Z"),
                DlqCommand.parseSince("2h", Instant.parse("2026-11-30T10:00:00Z")));
        assertEquals(Instant.parse("2026-11-30T09:00:00Z"),
                DlqCommand.parseSince("2026-11-30T09:00:00Z", Instant.EPOCH));
    }
}
