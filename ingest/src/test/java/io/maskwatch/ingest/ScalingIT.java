package io.maskwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.FrameMetadata;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.ingest.testing.FrameCollector;
import io.maskwatch.ingest.testing.TestMedia;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two workers (index 0 and 1 of 2) share one camera list: every camera ingested once, none twice. */
class ScalingIT {
    @Test
    void twoWorkersSplitTheCamerasWithoutOverlap(@TempDir Path tmp) throws Exception {
        Path clip = TestMedia.generateClip(tmp, "small.mp4", 160, 120, 25, 2);
        List<CameraConfig> cameras = IntStream.range(0, 6)
                .mapToObj(i -> new CameraConfig("cam-" + i, null, clip.toString(), 2, 0, 80, true, "tcp", true))
                .toList();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            KafkaSettings kafka = KafkaSettings.defaults().withBootstrapServers(broker.bootstrapServers());
            TopicSetup.ensureTopics(kafka);
            PrometheusMeterRegistry r0 = Metrics.newRegistry("ingest");
            PrometheusMeterRegistry r1 = Metrics.newRegistry("ingest");
            IngestSettings base = IngestSettings.defaults().withHttpPort(0);
            try (FrameCollector collector = new FrameCollector(kafka);
                 IngestService w0 = new IngestService(base.withWorker(0, 2), cameras, kafka, r0);
                 IngestService w1 = new IngestService(base.withWorker(1, 2), cameras, kafka, r1)) {
                w0.start();
                w1.start();
                Set<String> a0 = new HashSet<>(w0.assignedCameraIds());
                Set<String> a1 = new HashSet<>(w1.assignedCameraIds());
                assertFalse(a0.isEmpty());
                assertFalse(a1.isEmpty());
                Set<String> both = new HashSet<>(a0);
                both.retainAll(a1);
                assertTrue(both.isEmpty(), "cameras on both workers: " + both);
                Set<String> all = new HashSet<>(a0);
                all.addAll(a1);
                assertEquals(cameras.stream().map(CameraConfig::id).collect(java.util.stream.Collectors.toSet()), all);

                for (CameraConfig c : cameras) {
                    assertTrue(collector.await(c.id(), 4, Duration.ofSeconds(60)), "no frames from " + c.id());
                }
                for (CameraConfig c : cameras) {
                    // a camera ingested twice would show every sequence number twice
                    List<Long> seqs = new ArrayList<>();
                    for (ConsumerRecord<String, byte[]> r : collector.records(c.id())) {
                        seqs.add(FrameMetadata.readFrom(r.topic(), r.headers()).sequence());
                    }
                    assertEquals(seqs.size(), new HashSet<>(seqs).size(), c.id() + " sequences " + seqs);
                    // and only its owner has meters for it
                    PrometheusMeterRegistry owner = a0.contains(c.id()) ? r0 : r1;
                    PrometheusMeterRegistry other = owner == r0 ? r1 : r0;
                    assertTrue(owner.get("maskwatch.ingest.frames.sent").tag("camera", c.id()).counter().count() > 0);
                    assertTrue(Search.in(other).name("maskwatch.ingest.frames.sent").tag("camera", c.id())
                            .counters().isEmpty());
                }
            }
        }
    }
}
