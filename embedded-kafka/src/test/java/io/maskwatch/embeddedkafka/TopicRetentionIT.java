package io.maskwatch.embeddedkafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.config.MaskWatchConfig;
import io.maskwatch.common.kafka.TopicSetup;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** The services' own topic creation gives every topic the configured retention (docs/PRIVACY.md). */
class TopicRetentionIT {
    @Test
    void everyTopicGetsItsConfiguredRetention() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            KafkaSettings kafka = MaskWatchConfig.parse("""
                    kafka:
                      partitions: 1
                      retention-hours:
                        frames: 2
                        detections: 5
                    """, Map.of(), "test.yaml").kafka().withBootstrapServers(broker.bootstrapServers());
            TopicSetup.ensureTopics(kafka);
            try (Admin admin = Admin.create(kafka.clientConfig())) {
                List<ConfigResource> resources = kafka.topics().all().stream()
                        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
                Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
                for (ConfigResource r : resources) {
                    Config c = configs.get(r);
                    assertEquals(String.valueOf(kafka.retentionMs(r.name())), c.get("retention.ms").value(), r.name());
                    // reviews and erasure markers: latest value per alert id, still expiring
                    assertEquals(kafka.topics().compacted().contains(r.name()) ? "compact,delete" : "delete",
                            c.get("cleanup.policy").value(), r.name());
                }
                assertEquals("7200000", configs.get(resources.get(0)).get("retention.ms").value(), "frames: 2 h");
                assertEquals("600000", configs.get(resources.get(0)).get("segment.ms").value());
                ConfigResource detections = new ConfigResource(ConfigResource.Type.TOPIC, kafka.topics().detections());
                assertEquals("18000000", configs.get(detections).get("retention.ms").value(), "detections: 5 h");
                ConfigResource persons = new ConfigResource(ConfigResource.Type.TOPIC, kafka.topics().persons());
                assertEquals(String.valueOf(7 * 24 * 3_600_000L), configs.get(persons).get("retention.ms").value());
                assertEquals(String.valueOf(KafkaSettings.MAX_MESSAGE_BYTES),
                        configs.get(detections).get("max.message.bytes").value(), "detections carry face crops");
            }
        }
    }
}
