package io.maskwatch.alerter.api;

import io.maskwatch.common.kafka.ConsumerThreads;
import io.maskwatch.alerter.AlerterMetrics;
import io.maskwatch.alerter.compliance.ComplianceView;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.AlertImages;
import io.maskwatch.common.contract.ComplianceWindow;
import io.maskwatch.common.contract.EventDecodingException;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.serde.EventSerdes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the API's views from the output topics: every partition of the alerts and alert-images
 * topics (joined by alert id in the {@link AlertIndex}) and of the compliance topic (into the {@link ComplianceView}), read_committed,
 * without a consumer group so every alerter replica sees everything. On start it seeks back by
 * time (alerts and their images: alerts.api-history-ms, compliance: the rolling span), which is what survives a
 * restart: the views are rebuilt from the topics.
 */
public final class TopicViews implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicViews.class);

    private final KafkaSettings kafka;
    private final AlertIndex alerts;
    private final ComplianceView compliance;
    private final long alertHistoryMs;
    private final long complianceHistoryMs;
    private final AlerterMetrics metrics;
    private final Clock clock;
    private final String clientId;
    private final Thread thread;
    private volatile boolean running;
    private volatile boolean caughtUp;
    private volatile String problem = "not started";
    private volatile KafkaConsumer<String, byte[]> consumer;

    public TopicViews(KafkaSettings kafka, AlertIndex alerts, ComplianceView compliance, long alertHistoryMs,
                      long complianceHistoryMs, AlerterMetrics metrics, Clock clock, String clientId) {
        this.kafka = kafka;
        this.alerts = alerts;
        this.compliance = compliance;
        this.alertHistoryMs = alertHistoryMs;
        this.complianceHistoryMs = complianceHistoryMs;
        this.metrics = metrics;
        this.clock = clock;
        this.clientId = clientId;
        this.thread = new Thread(this::run, "alerter-views");
        thread.setDaemon(true);
    }

    public synchronized void start() {
        running = true;
        problem = "reading history from " + viewTopics();
        thread.start();
    }

    /** Null once the views hold everything the topics had at start. */
    public String problem() {
        return caughtUp ? null : problem;
    }

    private void run() {
        Properties p = ClientConfigs.consumer(kafka, "unused", clientId);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned partitions, no group: every replica reads all
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            consumer = c;
            Map<TopicPartition, Long> targets = null;
            while (running && targets == null) {
                targets = assign(c);
                if (targets == null) {
                    problem = "waiting for topics " + viewTopics();
                    Thread.sleep(2_000);
                }
            }
            while (running) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
                if (!caughtUp && targets.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                    caughtUp = true;
                    log.info("API views ready: {} alerts, compliance for {}", alerts.size(), compliance.keys());
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                problem = "views stopped: " + e;
                caughtUp = false;
                log.error("API views stopped: {}", e.toString(), e);
            }
        }
    }

    private List<String> viewTopics() {
        return List.of(kafka.topics().alerts(), kafka.topics().alertImages(), kafka.topics().compliance());
    }

    /** Assigns every partition and seeks back by time; returns the end offsets to catch up to, or null. */
    private Map<TopicPartition, Long> assign(KafkaConsumer<String, byte[]> c) {
        List<TopicPartition> all = new ArrayList<>();
        Map<TopicPartition, Long> seekTimes = new HashMap<>();
        long now = clock.millis();
        for (String topic : viewTopics()) {
            List<PartitionInfo> parts = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (parts == null || parts.isEmpty()) {
                return null;
            }
            long history = topic.equals(kafka.topics().compliance()) ? complianceHistoryMs : alertHistoryMs;
            for (PartitionInfo pi : parts) {
                TopicPartition tp = new TopicPartition(topic, pi.partition());
                all.add(tp);
                seekTimes.put(tp, Math.max(0, now - history));
            }
        }
        c.assign(all);
        Map<TopicPartition, OffsetAndTimestamp> offsets = c.offsetsForTimes(seekTimes, Duration.ofSeconds(30));
        Map<TopicPartition, Long> ends = c.endOffsets(all, Duration.ofSeconds(30));
        for (TopicPartition tp : all) {
            OffsetAndTimestamp o = offsets.get(tp);
            c.seek(tp, o == null ? ends.get(tp) : o.offset());
        }
        return ends;
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        try {
            if (r.topic().equals(kafka.topics().alerts())) {
                Alert a = EventSerdes.alerts().deserialize(r.topic(), r.value());
                if (a != null) {
                    alerts.add(a);
                }
            } else if (r.topic().equals(kafka.topics().alertImages())) {
                AlertImages img = r.value() == null ? null : EventSerdes.alertImages().deserialize(r.topic(), r.value());
                if (img != null) {
                    alerts.putImages(img);
                } else if (r.key() != null) {
                    alerts.removeImages(r.key()); // erased
                }
            } else {
                ComplianceWindow w = EventSerdes.compliance().deserialize(r.topic(), r.value());
                if (w != null) {
                    compliance.apply(w);
                }
            }
        } catch (EventDecodingException e) {
            metrics.decodeError(r.topic());
            log.warn("skipping undecodable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.reason());
        }
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        ConsumerThreads.wakeAndJoin(consumer, thread);
    }
}
