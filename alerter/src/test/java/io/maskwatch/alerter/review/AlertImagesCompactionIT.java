package io.maskwatch.alerter.review;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.AlertImages;
import io.maskwatch.common.contract.SchemaVersions;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.common.serde.EventSerdes;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * Erasure really removes the face from Kafka: after {@link ReviewLog#erase} the broker's log cleaner
 * compacts the alert-images topic and no record with the erased alert's image bytes is left, while
 * another alert's images stay. The topic's segments are shortened here so compaction runs within the
 * test (production: hourly segments, docs/PRIVACY.md).
 */
class AlertImagesCompactionIT {
    private static final byte[] FACE = {(byte) 0xFF, (byte) 0xD8, 'e', 'r', 'a', 's', 'e', 'd'};
    private static final byte[] OTHER = {(byte) 0xFF, (byte) 0xD8, 'k', 'e', 'p', 't'};

    @Test
    void compactionDropsTheErasedAlertsImages() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), KafkaSettings.TopicNames.defaults(),
                    1, (short) 1, true);
            TopicSetup.ensureTopics(kafka);
            String topic = kafka.topics().alertImages();
            try (Admin admin = Admin.create(kafka.clientConfig())) {
                ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                admin.incrementalAlterConfigs(Map.of(r, List.of(
                        new AlterConfigOp(new ConfigEntry("segment.ms", "500"), AlterConfigOp.OpType.SET),
                        new AlterConfigOp(new ConfigEntry("min.cleanable.dirty.ratio", "0.01"), AlterConfigOp.OpType.SET),
                        new AlterConfigOp(new ConfigEntry("min.compaction.lag.ms", "0"), AlterConfigOp.OpType.SET))))
                        .all().get();
            }
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(ClientConfigs.producer(kafka, "compaction-it"));
                 ReviewLog log = new ReviewLog(kafka, new ReviewState(id -> { }), Clock.systemUTC(), "compaction-it-reviews")) {
                send(p, topic, new AlertImages(SchemaVersions.ALERT_IMAGES, "erased-1", FACE, FACE));
                send(p, topic, new AlertImages(SchemaVersions.ALERT_IMAGES, "kept-1", OTHER, null));
                log.start();
                log.erase("erased-1");

                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                int filler = 0;
                Map<String, List<byte[]>> all = readAll(kafka, topic);
                while (all.getOrDefault("erased-1", List.of()).stream().anyMatch(v -> v != null)) {
                    assertTrue(System.nanoTime() < deadline, "the erased alert's images were not compacted away in 90 s");
                    Thread.sleep(1_000);
                    // A later record rolls the segment (only closed segments are compacted).
                    send(p, topic, new AlertImages(SchemaVersions.ALERT_IMAGES, "filler-" + (filler++ % 2), null, null));
                    all = readAll(kafka, topic);
                }
                List<byte[]> erased = all.get("erased-1");
                assertTrue(erased == null || erased.stream().allMatch(v -> v == null), "only the tombstone (or nothing) is left");
                List<byte[]> kept = all.get("kept-1");
                assertArrayEquals(OTHER, EventSerdes.alertImages().deserialize(topic, kept.get(kept.size() - 1)).faceJpeg(),
                        "another alert's images stay");
                for (List<byte[]> values : all.values()) {
                    for (byte[] v : values) {
                        assertTrue(v == null || !new String(v, java.nio.charset.StandardCharsets.ISO_8859_1)
                                .contains(java.util.Base64.getEncoder().encodeToString(FACE)), "no copy of the erased face");
                    }
                }
                assertNull(erased == null ? null : erased.get(erased.size() - 1));
            }
        }
    }

    private static void send(KafkaProducer<String, byte[]> p, String topic, AlertImages img) throws Exception {
        p.send(new ProducerRecord<>(topic, img.alertId(), EventSerdes.alertImages().serialize(topic, img))).get();
    }

    private static Map<String, List<byte[]>> readAll(KafkaSettings kafka, String topic) {
        Properties p = ClientConfigs.consumer(kafka, "unused", "compaction-it-reader");
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
}
