package io.maskwatch.detector.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.FrameMetadata;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.TestMedia;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * A detections topic that refuses every event (max.message.bytes far below an event's size: a real
 * misconfiguration): the detector used to replay the batch forever. Now it tries a bounded number
 * of times, then the frame goes to the DLQ with the reason and the offset is committed.
 */
class DetectorSendFailureIT {

    @Test
    void aSendThatKeepsFailingEndsInTheDlqWithTheReasonAndIsCommitted() throws Exception {
        TestMedia.classifierDir();
        DetectorConfig config = TestMedia.config("blazeface").withService(1, 4, 0, "detector-send-failure", 0);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            KafkaSettings d = KafkaSettings.defaults();
            KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), d.topics(), 1, (short) 1, true);
            try (Admin admin = Admin.create(kafka.clientConfig())) {
                admin.createTopics(List.of(new NewTopic(kafka.topics().detections(), 1, (short) 1)
                        .configs(Map.of("max.message.bytes", "64")))).all().get(30, TimeUnit.SECONDS);
            }
            TopicSetup.ensureTopics(kafka);
            PrometheusMeterRegistry registry = Metrics.newRegistry("detector");
            SendRetry retry = new SendRetry(3, Duration.ofMillis(20), Duration.ofMillis(100));
            byte[] jpeg = TestMedia.jpeg("one-man-no-mask", 0);
            try (DetectorService service = new DetectorService(config, kafka, registry, System.getenv(), Clock.systemUTC(),
                    DetectorService.DEFAULT_LIVENESS_TIMEOUT, retry)) {
                service.start();
                RecordHeaders h = new RecordHeaders();
                FrameMetadata.of("cam-1", System.currentTimeMillis(), 7, 1280, 720).writeTo(h);
                try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(ClientConfigs.producer(kafka, "it-frames"))) {
                    p.send(new ProducerRecord<>(kafka.topics().frames(), null, "cam-1", jpeg, h)).get(30, TimeUnit.SECONDS);
                }
                List<ConsumerRecord<String, byte[]>> dlq = new ArrayList<>();
                try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(ClientConfigs.consumer(kafka, "it-dlq", "it-dlq"))) {
                    c.subscribe(List.of(kafka.topics().framesDlq()));
                    long deadline = System.currentTimeMillis() + 120_000;
                    while (dlq.isEmpty() && System.currentTimeMillis() < deadline) {
                        c.poll(Duration.ofMillis(500)).forEach(dlq::add);
                    }
                }
                assertEquals(1, dlq.size(), "the frame is dead-lettered once, not replayed forever");
                ConsumerRecord<String, byte[]> r = dlq.get(0);
                String reason = new String(r.headers().lastHeader(DetectorService.DLQ_REASON).value(), StandardCharsets.UTF_8);
                assertTrue(reason.startsWith("send to maskwatch.detections failed after 3 attempts: "), reason);
                assertTrue(reason.contains("RecordTooLarge"), reason);
                assertEquals(kafka.topics().frames(),
                        new String(r.headers().lastHeader(DetectorService.DLQ_TOPIC).value(), StandardCharsets.UTF_8));
                assertEquals("cam-1", r.key());
                assertTrue(Arrays.equals(jpeg, r.value()), "the DLQ keeps the original frame");
                assertEquals("cam-1", new String(r.headers().lastHeader(FrameMetadata.CAMERA).value(), StandardCharsets.UTF_8),
                        "and its original headers");
                assertEquals(3.0, registry.get("maskwatch.detector.produce.failures").counter().count());
                assertEquals(1.0, registry.get("maskwatch.detector.frames.failed").tag("reason", "send_failed").counter().count());
                awaitCommitted(kafka, 1);
            }
        }
    }

    private static void awaitCommitted(KafkaSettings kafka, long expected) throws Exception {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            long committed = -1;
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> offs = admin.listConsumerGroupOffsets("detector-send-failure")
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                committed = offs.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
                if (committed == expected) {
                    break;
                }
                Thread.sleep(200);
            }
            assertEquals(expected, committed, "the dead-lettered frame's offset is committed");
        }
    }
}
