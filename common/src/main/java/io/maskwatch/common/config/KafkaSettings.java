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
 * @param retentionHours   how long each topic the services create keeps its records (docs/PRIVACY.md)
 */
public record KafkaSettings(
        String bootstrapServers,
        Map<String, String> clientProperties,
        TopicNames topics,
        int partitions,
        short replicationFactor,
        boolean createTopics,
        RetentionHours retentionHours) implements ConfigSection {

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
            String alertImages,
            String compliance,
            String notifications,
            String notificationsDlq,
            String alertReviews,
            String alertErasures,
            String audit) {

        public static TopicNames defaults() {
            return new TopicNames(Topics.FRAMES, Topics.FRAMES_DLQ, Topics.DETECTIONS, Topics.PERSONS,
                    Topics.ALERTS, Topics.ALERT_IMAGES, Topics.COMPLIANCE, Topics.NOTIFICATIONS, Topics.NOTIFICATIONS_DLQ,
                    Topics.ALERT_REVIEWS, Topics.ALERT_ERASURES, Topics.AUDIT);
        }

        public List<String> all() {
            return List.of(frames, framesDlq, detections, persons, alerts, alertImages, compliance, notifications,
                    notificationsDlq, alertReviews, alertErasures, audit);
        }

        /** Compacted topics (latest value per alert id): alert images, reviews and erasures. */
        public List<String> compacted() {
            return List.of(alertImages, alertReviews, alertErasures);
        }
    }

    /**
     * Retention per topic, in hours. Frames, detections and DLQs hold face images (personal data), so
     * they are kept only as long as recovery needs; persons, alerts and compliance are the record
     * operators review. Same defaults in deploy/kafka/create-topics.sh and k8s/components/strimzi.
     */
    public record RetentionHours(
            int frames,
            int framesDlq,
            int detections,
            int persons,
            int alerts,
            int alertImages,
            int compliance,
            int notifications,
            int notificationsDlq,
            int alerterDlq,
            int alertReviews,
            int alertErasures,
            int audit) {

        /** Keys as written in the config file, in {@link #all()} order (for messages). */
        private static final List<String> KEYS = List.of("frames", "frames-dlq", "detections", "persons", "alerts",
                "alert-images", "compliance", "notifications", "notifications-dlq", "alerter-dlq", "alert-reviews", "alert-erasures", "audit");

        public static RetentionHours defaults() {
            // frames 1 h: stale frames are worthless for alerting; DLQs 72 h: a weekend to inspect and
            // replay; detections 24 h: an alerter outage; persons/notifications 7 d; alerts/compliance 30 d;
            // alert images, reviews and erasure markers as long as the alerts they refer to; audit 90 d.
            return new RetentionHours(1, 72, 24, 7 * 24, 30 * 24, 30 * 24, 30 * 24, 7 * 24, 72, 72, 30 * 24, 30 * 24,
                    90 * 24);
        }

        public List<Integer> all() {
            return List.of(frames, framesDlq, detections, persons, alerts, alertImages, compliance, notifications,
                    notificationsDlq, alerterDlq, alertReviews, alertErasures, audit);
        }

        /** {@code retention.ms} for a topic kind, e.g. {@code millis(frames())}. */
        public static long millis(int hours) {
            return hours * 3_600_000L;
        }
    }

    public KafkaSettings {
        clientProperties = clientProperties == null ? Map.of() : Map.copyOf(clientProperties);
        retentionHours = retentionHours == null ? RetentionHours.defaults() : retentionHours;
    }

    /** Settings with the default retention (tests and tools that do not read a config file). */
    public KafkaSettings(String bootstrapServers, Map<String, String> clientProperties, TopicNames topics,
                         int partitions, short replicationFactor, boolean createTopics) {
        this(bootstrapServers, clientProperties, topics, partitions, replicationFactor, createTopics,
                RetentionHours.defaults());
    }

    public static KafkaSettings defaults() {
        return new KafkaSettings("localhost:9092", Map.of(), TopicNames.defaults(), 12, (short) 1, true,
                RetentionHours.defaults());
    }

    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(servers, clientProperties, topics, partitions, replicationFactor, createTopics,
                retentionHours);
    }

    /**
     * {@code retention.ms} of one of the {@link #topics()} by its configured name (the alerter's DLQ
     * uses {@code retentionHours().alerterDlq()}).
     *
     * @throws IllegalArgumentException for a topic that is not one of {@link #topics()}
     */
    public long retentionMs(String topic) {
        RetentionHours r = retentionHours;
        int h;
        if (topic.equals(topics.frames())) {
            h = r.frames();
        } else if (topic.equals(topics.framesDlq())) {
            h = r.framesDlq();
        } else if (topic.equals(topics.detections())) {
            h = r.detections();
        } else if (topic.equals(topics.persons())) {
            h = r.persons();
        } else if (topic.equals(topics.alerts())) {
            h = r.alerts();
        } else if (topic.equals(topics.alertImages())) {
            h = r.alertImages();
        } else if (topic.equals(topics.compliance())) {
            h = r.compliance();
        } else if (topic.equals(topics.notifications())) {
            h = r.notifications();
        } else if (topic.equals(topics.notificationsDlq())) {
            h = r.notificationsDlq();
        } else if (topic.equals(topics.alertReviews())) {
            h = r.alertReviews();
        } else if (topic.equals(topics.alertErasures())) {
            h = r.alertErasures();
        } else if (topic.equals(topics.audit())) {
            h = r.audit();
        } else {
            throw new IllegalArgumentException(topic + " is not one of the kafka.topics");
        }
        return RetentionHours.millis(h);
    }

    /** Base client properties: bootstrap servers plus the user's client properties. */
    public Properties clientConfig() {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    private static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

    /** A SASL setup without a mechanism or credentials fails only at the first connection, and vaguely. */
    static List<String> securityProblems(Map<String, String> props) {
        List<String> out = new ArrayList<>();
        String protocol = props.getOrDefault("security.protocol", "PLAINTEXT");
        if (!PROTOCOLS.contains(protocol.toUpperCase(java.util.Locale.ROOT))) {
            out.add("client-properties.security.protocol must be one of " + PROTOCOLS + ", got '" + protocol + "'");
        } else if (protocol.toUpperCase(java.util.Locale.ROOT).startsWith("SASL_")) {
            String mechanism = props.get("sasl.mechanism");
            if (mechanism == null || mechanism.isBlank()) {
                out.add("client-properties.sasl.mechanism must be set with security.protocol " + protocol
                        + " (e.g. SCRAM-SHA-512; Kafka would silently assume GSSAPI/Kerberos)");
            } else if (!mechanism.equalsIgnoreCase("GSSAPI")
                    && (props.get("sasl.jaas.config") == null || props.get("sasl.jaas.config").isBlank())) {
                out.add("client-properties.sasl.jaas.config must be set with sasl.mechanism " + mechanism
                        + ", e.g. sasl.jaas.config: ${KAFKA_SASL_JAAS_CONFIG} with the line "
                        + "'org.apache.kafka.common.security.scram.ScramLoginModule required username=\"...\" "
                        + "password=\"...\";' in that variable (docs/SECURITY.md#kafka)");
            }
        }
        return out;
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
        out.addAll(securityProblems(clientProperties));
        if (retentionHours != null) {
            List<Integer> hours = retentionHours.all();
            for (int i = 0; i < hours.size(); i++) {
                if (hours.get(i) < 1) {
                    out.add("retention-hours." + RetentionHours.KEYS.get(i) + " must be >= 1 (hours), got "
                            + hours.get(i) + "; infinite retention is not offered: these topics hold personal data");
                }
            }
            if (retentionHours.alertErasures() < retentionHours.alerts()) {
                out.add("retention-hours.alert-erasures (" + retentionHours.alertErasures() + ") must be >= retention-hours.alerts ("
                        + retentionHours.alerts() + "): an erasure marker that expires first would let an erased alert's face come back");
            }
        }
        return out;
    }
}
