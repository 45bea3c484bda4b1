package io.maskwatch.detector.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.common.contract.FrameMetadata;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.common.serde.EventSerdes;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.TestMedia;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The detector service on a real (embedded KRaft) broker with the real detector and classifier:
 * frames in, detections out; poison to the DLQ with reasons while good frames flow; old frames skipped.
 */
class DetectorServiceIT {
    private static EmbeddedKafkaBroker broker;
    private static KafkaSettings kafka;

    @BeforeAll
    static void startBroker() {
        TestMedia.classifierDir();
        TestMedia.config("blazeface");
        broker = EmbeddedKafkaBroker.start();
        KafkaSettings d = KafkaSettings.defaults();
        kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), d.topics(), 2, (short) 1, true);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static ProducerRecord<String, byte[]> frame(String camera, long seq, long captureTs, byte[] jpeg) {
        RecordHeaders h = new RecordHeaders();
        FrameMetadata.of(camera, captureTs, seq, 1280, 720).writeTo(h);
        return new ProducerRecord<>(kafka.topics().frames(), null, camera, jpeg, h);
    }

    @Test
    void framesBecomeDetectionsPoisonGoesToTheDlqAndOldFramesAreSkipped() throws Exception {
        PrometheusMeterRegistry registry = Metrics.newRegistry("detector");
        DetectorConfig config = TestMedia.config("blazeface").withService(1, 4, 60_000, "detector-it", 0);
        long now = System.currentTimeMillis();
        List<ProducerRecord<String, byte[]>> in = new ArrayList<>();
        in.add(frame("cam-man", 0, now, TestMedia.jpeg("one-man-no-mask", 0)));
        in.add(frame("cam-man", 1, now, "this is not a jpeg".getBytes(StandardCharsets.UTF_8)));
        // a good JPEG without the frame headers
        in.add(new ProducerRecord<>(kafka.topics().frames(), "cam-bare", TestMedia.jpeg("one-person-mask", 0)));
        in.add(frame("cam-four", 0, now, TestMedia.jpeg("four-people-masks-on-off", 0)));
        in.add(frame("cam-four", 1, now - 10 * 60_000, TestMedia.jpeg("four-people-masks-on-off", 25))); // too old
        in.add(frame("cam-masked", 0, now, TestMedia.jpeg("one-person-mask", 0)));
        in.add(frame("cam-empty", 0, now, TestMedia.jpeg("putting-on-mask", 125)));

        try (DetectorService service = new DetectorService(config, kafka, registry)) {
            assertNotNull(service.health().problem(), "not ready before start");
            service.start();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ClientConfigs.producer(kafka, "it-frames"))) {
                for (var r : in) {
                    producer.send(r).get(30, TimeUnit.SECONDS);
                }
            }
            Map<String, DetectionEvent> detections = new HashMap<>();
            List<ConsumerRecord<String, byte[]>> dlq = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(ClientConfigs.consumer(kafka, "it-reader", "it-reader"))) {
                c.subscribe(List.of(kafka.topics().detections(), kafka.topics().framesDlq()));
                long deadline = System.currentTimeMillis() + 120_000;
                while ((detections.size() < 4 || dlq.size() < 2) && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                        if (r.topic().equals(kafka.topics().framesDlq())) {
                            dlq.add(r);
                        } else {
                            DetectionEvent ev = EventSerdes.detections().deserialize(r.topic(), r.value());
                            assertEquals(ev.cameraId(), r.key(), "keyed by camera");
                            detections.put(ev.cameraId() + "#" + ev.frameSequence(), ev);
                        }
                    }
                }
            }
            assertEquals(Set.of("cam-man#0", "cam-four#0", "cam-masked#0", "cam-empty#0"), detections.keySet());
            DetectionEvent man = detections.get("cam-man#0");
            assertEquals(1, man.faces().size());
            assertEquals(FaceLabel.NO_MASK, man.faces().get(0).label());
            assertNotNull(man.faces().get(0).heatmapJpeg(), "heat map for the unmasked face");
            assertNotNull(man.faces().get(0).cropJpeg(), "crop of the unmasked face");
            assertEquals("blazeface", man.detector());
            assertTrue(man.model().matches("mask-classifier(-3c)?@.+"), man.model());
            assertEquals(1280, man.frameWidth());
            assertEquals(now, man.captureTimestampMs());
            TestMedia.assertFourPeople(detections.get("cam-four#0").faces().stream().map(f -> f.box()).toList());
            int fourFaces = detections.get("cam-four#0").faces().size();
            assertEquals(FaceLabel.MASK, detections.get("cam-masked#0").faces().get(0).label());
            assertNull(detections.get("cam-masked#0").faces().get(0).heatmapJpeg(), "no heat map for a masked face");
            assertNull(detections.get("cam-masked#0").faces().get(0).cropJpeg(),
                    "face-crops unmasked-only (default): a masked face's crop stays in the detector");
            assertEquals(List.of(), detections.get("cam-empty#0").faces(), "frames without faces still produce an event");

            Map<String, String> reasons = new HashMap<>();
            for (var r : dlq) {
                reasons.put(r.key(), new String(r.headers().lastHeader(DetectorService.DLQ_REASON).value(), StandardCharsets.UTF_8));
            }
            assertTrue(reasons.get("cam-man").startsWith("not a JPEG"), reasons.toString());
            assertTrue(reasons.get("cam-bare").contains("missing header 'mw.camera'"), reasons.toString());
            assertEquals("this is not a jpeg", new String(dlq.stream().filter(r -> r.key().equals("cam-man")).findFirst()
                    .orElseThrow().value(), StandardCharsets.UTF_8), "the DLQ keeps the original bytes");

            assertEquals(1.0, registry.get("maskwatch.detector.frames.skipped").tag("reason", "too_old").counter().count());
            assertEquals(4.0, registry.get("maskwatch.detector.frames.processed").counters().stream()
                    .mapToDouble(x -> x.count()).sum());
            assertEquals(1.0, registry.get("maskwatch.detector.frames.failed").tag("reason", "undecodable").counter().count());
            assertEquals(1.0, registry.get("maskwatch.detector.frames.failed").tag("reason", "bad_headers").counter().count());
            assertEquals(2.0 + fourFaces, registry.get("maskwatch.detector.faces").counters().stream()
                    .mapToDouble(x -> x.count()).sum(), "every face counted by label");
            assertTrue(registry.scrape().contains("maskwatch_detector_stage_seconds_bucket"), "stage histograms");
            assertNull(service.health().problem(), "ready: model loaded and partitions assigned");

            // at-least-once bookkeeping: everything consumed is committed once acknowledged
            awaitCommitted(in.size());
        }
    }

    private static void awaitCommitted(int expected) throws Exception {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            long deadline = System.currentTimeMillis() + 30_000;
            long committed = 0;
            while (System.currentTimeMillis() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> offs = admin.listConsumerGroupOffsets("detector-it")
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                committed = offs.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
                if (committed == expected) {
                    break;
                }
                Thread.sleep(200);
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < kafka.partitions(); p++) {
                latest.put(new TopicPartition(kafka.topics().frames(), p), OffsetSpec.latest());
            }
            long end = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream()
                    .mapToLong(o -> o.offset()).sum();
            assertEquals(end, committed, "committed offsets reach the end of the frames topic");
            assertEquals(expected, end);
        }
    }
}
