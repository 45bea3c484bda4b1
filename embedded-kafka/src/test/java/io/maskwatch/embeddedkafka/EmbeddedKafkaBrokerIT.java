package io.maskwatch.embeddedkafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.EventDecodingException;
import io.maskwatch.common.contract.FrameMetadata;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.common.serde.EventSerdes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Frames and detections through a real in-process KRaft broker. */
class EmbeddedKafkaBrokerIT {
    @Test
    void framesAndDetectionsFlowThroughTheBroker() throws Exception {
        Path dataDir;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            dataDir = broker.dataDir();
            KafkaSettings kafka = KafkaSettings.defaults().withBootstrapServers(broker.bootstrapServers());
            TopicSetup.ensureTopics(kafka);
            TopicSetup.ensureTopics(kafka); // idempotent

            byte[] jpeg = new byte[3 * 1024 * 1024]; // a large frame must pass
            jpeg[0] = (byte) 0xFF;
            jpeg[1] = (byte) 0xD8;
            DetectionEvent detection = io.maskwatch.common.serde.EventSerdesTest.sampleDetection();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ClientConfigs.producer(kafka, "it"))) {
                for (int seq = 0; seq < 5; seq++) {
                    ProducerRecord<String, byte[]> r = new ProducerRecord<>(kafka.topics().frames(), "cam-1", jpeg);
                    FrameMetadata.of("cam-1", 1000 + seq, seq, 1280, 720).writeTo(r.headers());
                    producer.send(r).get();
                }
                producer.send(new ProducerRecord<>(kafka.topics().detections(), "entrance-a",
                        EventSerdes.detections().serialize(kafka.topics().detections(), detection))).get();
                producer.send(new ProducerRecord<>(kafka.topics().detections(), "entrance-a",
                        "garbage{".getBytes())).get();
            }

            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(ClientConfigs.consumer(kafka, "it-group", "it"))) {
                consumer.subscribe(List.of(kafka.topics().frames(), kafka.topics().detections()));
                List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
                long deadline = System.currentTimeMillis() + 60_000;
                while (got.size() < 7 && System.currentTimeMillis() < deadline) {
                    consumer.poll(Duration.ofMillis(500)).forEach(got::add);
                }
                assertEquals(7, got.size());
                List<FrameMetadata> frames = got.stream().filter(r -> r.topic().equals(kafka.topics().frames()))
                        .map(r -> FrameMetadata.readFrom(r.topic(), r.headers())).toList();
                assertEquals(List.of(0L, 1L, 2L, 3L, 4L), frames.stream().map(FrameMetadata::sequence).toList());
                assertTrue(got.stream().filter(r -> r.topic().equals(kafka.topics().frames()))
                        .allMatch(r -> r.key().equals("cam-1") && r.value().length == jpeg.length));
                List<ConsumerRecord<String, byte[]>> det = got.stream()
                        .filter(r -> r.topic().equals(kafka.topics().detections())).toList();
                assertEquals(detection.faces().get(0).box(),
                        EventSerdes.detections().deserialize(det.get(0).topic(), det.get(0).value()).faces().get(0).box());
                assertThrows(EventDecodingException.class,
                        () -> EventSerdes.detections().deserialize(det.get(1).topic(), det.get(1).value()));
                consumer.commitSync();
                assertFalse(consumer.committed(java.util.Set.copyOf(consumer.assignment())).isEmpty());
            }
            assertTrue(Files.exists(dataDir));
        }
        assertFalse(Files.exists(dataDir), "broker data dir must be removed on close");
    }

    @Test
    void unreachableBrokerGivesClearError() {
        KafkaSettings kafka = new KafkaSettings("127.0.0.1:1", Map.of(), KafkaSettings.TopicNames.defaults(), 1,
                (short) 1, true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TopicSetup.ensureTopics(kafka));
        assertTrue(e.getMessage().contains("cannot reach Kafka at 127.0.0.1:1"), e.getMessage());
    }
}
