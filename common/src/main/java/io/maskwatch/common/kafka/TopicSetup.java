package io.maskwatch.common.kafka;

import io.maskwatch.common.config.KafkaSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the MaskWatch topics that do not exist yet (idempotent; safe from every service at start). */
public final class TopicSetup {
    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {
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
                    NewTopic nt = new NewTopic(t, kafka.partitions(), kafka.replicationFactor());
                    if (t.equals(kafka.topics().frames())) {
                        // Frames are real-time data: keep them briefly and allow large JPEGs.
                        nt.configs(Map.of("retention.ms", String.valueOf(60 * 60 * 1000),
                                "max.message.bytes", String.valueOf(KafkaSettings.MAX_MESSAGE_BYTES)));
                    }
                    missing.add(nt);
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                log.info("created topics {}", missing.stream().map(NewTopic::name).toList());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot reach Kafka at " + kafka.bootstrapServers()
                    + " to create topics (is the broker up? check kafka.bootstrap-servers): " + e.getMessage(), e);
        }
    }
}
