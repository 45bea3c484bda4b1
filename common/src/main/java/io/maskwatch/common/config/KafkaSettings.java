package io.maskwatch.common.config;

import io.maskwatch.common.contract.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code kafka} section: where the cluster is and how topics are named and sized.
 *
 * @param clientProperties passed to every producer, consumer, admin and Streams client as-is
 *                         (TLS/SASL settings go here, e.g. {@code security.protocol})
 * @param partitions       partitions of topics MaskWatch creates; bounds the useful detector replicas
 */
public record KafkaSettings(
        String bootstrapServers,
        Map<String, String> clientProperties,
        TopicNames topics,
        int partitions,
        short replicationFactor,
        boolean createTopics) implements ConfigSection {

    /**
     * Largest record MaskWatch sends (frames are JPEGs of up to a few MB): producers' request size,
     * consumers' fetch size and the frames topic's {@code max.message.bytes}. A broker must accept
     * at least this ({@code message.max.bytes}) or large frames fail to send.
     */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    public record TopicNames(
            String frames,
            String framesDlq,
            String detections,
            String persons,
            String alerts,
            String compliance,
            String notifications,
            String notificationsDlq) {

        public static TopicNames defaults() {
            return new TopicNames(Topics.FRAMES, Topics.FRAMES_DLQ, Topics.DETECTIONS, Topics.PERSONS,
                    Topics.ALERTS, Topics.COMPLIANCE, Topics.NOTIFICATIONS, Topics.NOTIFICATIONS_DLQ);
        }

        public List<String> all() {
            return List.of(frames, framesDlq, detections, persons, alerts, compliance, notifications, notificationsDlq);
        }
    }

    public KafkaSettings {
        clientProperties = clientProperties == null ? Map.of() : Map.copyOf(clientProperties);
    }

    public static KafkaSettings defaults() {
        return new KafkaSettings("localhost:9092", Map.of(), TopicNames.defaults(), 12, (short) 1, true);
    }

    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(servers, clientProperties, topics, partitions, replicationFactor, createTopics);
    }

    /** Base client properties: bootstrap servers plus the user's client properties. */
    public Properties clientConfig() {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    @Override
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            out.add("bootstrap-servers must be host:port[,host:port...], e.g. kafka:9092");
        } else {
            for (String hp : bootstrapServers.split(",")) {
                if (!hp.trim().matches("[^:\\s]+:\\d{1,5}")) {
                    out.add("bootstrap-servers entry '" + hp.trim() + "' is not host:port");
                }
            }
        }
        if (partitions < 1) {
            out.add("partitions must be >= 1, got " + partitions);
        }
        if (replicationFactor < 1) {
            out.add("replication-factor must be >= 1, got " + replicationFactor);
        }
        if (topics == null) {
            out.add("topics must be a map of topic names");
        } else {
            List<String> names = topics.all();
            for (int i = 0; i < names.size(); i++) {
                String n = names.get(i);
                if (n == null || !n.matches("[a-zA-Z0-9._-]{1,249}")) {
                    out.add("topics: '" + n + "' is not a legal Kafka topic name (letters, digits, '.', '_', '-')");
                }
            }
        }
        return out;
    }
}
