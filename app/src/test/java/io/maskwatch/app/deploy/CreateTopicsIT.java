package io.maskwatch.app.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * deploy/kafka/create-topics.sh (the compose kafka-init step) against a real KRaft broker. The
 * kafka-topics.sh it calls is Kafka's own launcher line: TopicCommand on Kafka's jars.
 */
class CreateTopicsIT {
    @Test
    void createsEveryTopicWithItsSettingsAndIsIdempotent() throws Exception {
        Assumptions.assumeTrue(DeployFiles.bashAvailable());
        Path kafkaHome = Files.createTempDirectory("kafka-home-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Path bin = Files.createDirectories(kafkaHome.resolve("bin"));
            Path topicsCmd = bin.resolve("kafka-topics.sh");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Files.writeString(topicsCmd, "#!/bin/bash\nexec '" + java + "' -Xmx256m -XX:TieredStopAtLevel=1 -cp \""
                    + System.getProperty("java.class.path") + "\" org.apache.kafka.tools.TopicCommand \"$@\"\n");
            assertTrue(topicsCmd.toFile().setExecutable(true));

            var refused = run(kafkaHome, broker.bootstrapServers(), "3", Map.of("RETENTION_HOURS_DETECTIONS", "0"));
            assertEquals(2, refused.getKey(), refused.getValue());
            assertTrue(refused.getValue().contains("RETENTION_HOURS_DETECTIONS='0' must be a whole number of hours"),
                    refused.getValue());

            var first = run(kafkaHome, broker.bootstrapServers(), "3", Map.of("RETENTION_HOURS_FRAMES", "5"));
            assertEquals(0, first.getKey(), first.getValue());
            assertTrue(first.getValue().contains("topics ready"), first.getValue());

            KafkaSettings defaults = KafkaSettings.defaults();
            Properties props = new Properties();
            props.put("bootstrap.servers", broker.bootstrapServers());
            try (Admin admin = Admin.create(props)) {
                Map<String, TopicDescription> topics = admin.describeTopics(defaults.topics().all()).allTopicNames()
                        .get(30, TimeUnit.SECONDS);
                assertEquals(defaults.topics().all().size(), topics.size());
                topics.values().forEach(t -> assertEquals(3, t.partitions().size(), t.name()));
                ConfigResource frames = new ConfigResource(ConfigResource.Type.TOPIC, defaults.topics().frames());
                Config cfg = admin.describeConfigs(List.of(frames)).all().get(30, TimeUnit.SECONDS).get(frames);
                assertEquals("600000", cfg.get("segment.ms").value());
                assertEquals(String.valueOf(KafkaSettings.MAX_MESSAGE_BYTES), cfg.get("max.message.bytes").value());
                // same retention as the services' own topic creation (TopicSetup), RETENTION_HOURS_FRAMES=5 aside
                List<ConfigResource> all = new java.util.ArrayList<>(defaults.topics().all().stream()
                        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList());
                all.add(new ConfigResource(ConfigResource.Type.TOPIC, "maskwatch.alerter.dlq"));
                Map<ConfigResource, Config> configs = admin.describeConfigs(all).all().get(30, TimeUnit.SECONDS);
                for (ConfigResource r : all) {
                    long want = r.equals(frames) ? 5 * 3_600_000L
                            : r.name().equals("maskwatch.alerter.dlq")
                            ? KafkaSettings.RetentionHours.millis(defaults.retentionHours().alerterDlq())
                            : defaults.retentionMs(r.name());
                    assertEquals(String.valueOf(want), configs.get(r).get("retention.ms").value(), r.name());
                }
            }

            // a second run (compose restarts) changes nothing and says when partitions are short
            var again = run(kafkaHome, broker.bootstrapServers(), "6", Map.of());
            assertEquals(0, again.getKey(), again.getValue());
            assertTrue(again.getValue().contains("WARNING maskwatch.frames has 3 partitions, fewer than PARTITIONS=6"),
                    again.getValue());
        } finally {
            io.maskwatch.common.io.Directories.deleteRecursively(kafkaHome);
        }
    }

    private static Map.Entry<Integer, String> run(Path kafkaHome, String bootstrap, String partitions,
                                                  Map<String, String> extraEnv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", DeployFiles.repoRoot().resolve("deploy/kafka/create-topics.sh").toString())
                .redirectErrorStream(true);
        pb.environment().put("KAFKA_HOME", kafkaHome.toString());
        pb.environment().put("BOOTSTRAP_SERVERS", bootstrap);
        pb.environment().put("PARTITIONS", partitions);
        pb.environment().put("REPLICATION_FACTOR", "1");
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "create-topics.sh finished");
        return Map.entry(p.exitValue(), out);
    }
}
