package io.maskwatch.common.kafka;

import io.maskwatch.common.config.KafkaSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the MaskWatch topics that do not exist yet (idempotent; safe from every service at start). */
public final class TopicSetup {
    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

    /** Retention deletes whole segments only: 10-minute segments let old frames go on time. */
    static final long FRAMES_SEGMENT_MS = 600_000;
    /** Compaction only cleans closed segments: alert images, reviews and erasures roll hourly. */
    static final long COMPACTED_SEGMENT_MS = 3_600_000;

    private TopicSetup() {
    }

    /**
     * One of {@code kafka.topics()} with its settings, as deploy/kafka/create-topics.sh creates it:
     * the configured retention (faces are personal data: every topic expires), large records where
     * images travel, and short segments on frames so a 1-hour retention can actually drop them.
     */
    public static NewTopic newTopic(KafkaSettings kafka, String topic) {
        KafkaSettings.TopicNames names = kafka.topics();
        Map<String, String> configs = new HashMap<>();
        configs.put("retention.ms", String.valueOf(kafka.retentionMs(topic)));
        if (names.compacted().contains(topic)) {
            // latest value per alert id, and still expiring; 1-hour segments so an erased review's note is
            // compacted away within hours, not when a week-long segment closes
            configs.put("cleanup.policy", "compact,delete");
            configs.put("segment.ms", String.valueOf(COMPACTED_SEGMENT_MS));
            if (topic.equals(names.alertImages())) {
                configs.put("max.message.bytes", String.valueOf(KafkaSettings.MAX_MESSAGE_BYTES));
            }
        } else if (!topic.equals(names.persons()) && !topic.equals(names.compliance()) && !topic.equals(names.audit())) {
            // frames are JPEGs; detections, alerts, notifications and DLQs carry them or face crops
            configs.put("max.message.bytes", String.valueOf(KafkaSettings.MAX_MESSAGE_BYTES));
        }
        if (topic.equals(names.frames())) {
            configs.put("segment.ms", String.valueOf(FRAMES_SEGMENT_MS));
        }
        return new NewTopic(topic, kafka.partitions(), kafka.replicationFactor()).configs(configs);
    }

    /**
     * Waits until every partition of new topics has a leader. A producer that writes to a partition in
     * the moment before (NotLeaderOrFollower, then retries) could be left retrying forever with an
     * out-of-order sequence number on a 4.x broker (seen in AlerterServiceIT): writing after this is safe.
     */
    static void awaitLeaders(Admin admin, List<String> topics) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            boolean ready = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                    .flatMap(d -> d.partitions().stream())
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                log.warn("topics {} still have partitions without a leader after 30 s; continuing", topics);
                return;
            }
            Thread.sleep(50);
        }
    }

    public static void ensureTopics(KafkaSettings kafka) {
        Properties props = kafka.clientConfig();
        props.put("request.timeout.ms", "15000");
        props.put("default.api.timeout.ms", "30000");
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String t : kafka.topics().all()) {
                if (!existing.contains(t)) {
                    missing.add(newTopic(kafka, t));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                log.info("created topics {}", missing.stream().map(NewTopic::name).toList());
                awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (Exception e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof AuthenticationException) {
                    throw new KafkaAccessCheck.KafkaAccessException("cannot sign in to Kafka at "
                            + kafka.bootstrapServers() + " to create topics (" + c.getMessage()
                            + "); check the credentials in kafka.client-properties", e);
                }
                if (c instanceof AuthorizationException) {
                    throw new KafkaAccessCheck.KafkaAccessException("Kafka at " + kafka.bootstrapServers()
                            + " does not let this user create topics (" + c.getMessage() + "); create them as an "
                            + "admin (deploy/kafka/create-topics.sh) and set kafka.create-topics: false, or grant "
                            + "Create on the topics", e);
                }
            }
            throw new IllegalStateException("cannot reach Kafka at " + kafka.bootstrapServers()
                    + " to create topics (is the broker up? check kafka.bootstrap-servers): " + e.getMessage(), e);
        }
    }
}
