package io.maskwatch.alerter.review;

import io.maskwatch.common.kafka.ConsumerThreads;
import io.maskwatch.alerter.AlerterMetrics;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.EventDecodingException;
import io.maskwatch.common.kafka.ClientConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole reviews and erasures topics into {@link ReviewState}, from the beginning, without
 * a consumer group (every replica sees everything), and keeps following them. Not ready until it has
 * read to the end offsets seen at start: until then an erased alert could still be served.
 */
public final class ReviewViews implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReviewViews.class);

    private final KafkaSettings kafka;
    private final ReviewState state;
    private final AlerterMetrics metrics;
    private final String clientId;
    private final Thread thread;
    private volatile boolean running;
    private volatile boolean caughtUp;
    private volatile String problem = "not started";
    private volatile KafkaConsumer<String, byte[]> consumer;

    public ReviewViews(KafkaSettings kafka, ReviewState state, AlerterMetrics metrics, String clientId) {
        this.kafka = kafka;
        this.state = state;
        this.metrics = metrics;
        this.clientId = clientId;
        this.thread = new Thread(this::run, "alerter-reviews");
        thread.setDaemon(true);
    }

    public synchronized void start() {
        running = true;
        problem = "reading " + kafka.topics().alertReviews() + " and " + kafka.topics().alertErasures();
        thread.start();
    }

    /** Null once everything the topics held at start is applied. */
    public String problem() {
        return caughtUp ? null : problem;
    }

    private void run() {
        Properties p = ClientConfigs.consumer(kafka, "unused", clientId);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            consumer = c;
            Map<TopicPartition, Long> ends = null;
            while (running && ends == null) {
                ends = assign(c);
                if (ends == null) {
                    problem = "waiting for topics " + kafka.topics().alertReviews() + " and " + kafka.topics().alertErasures();
                    Thread.sleep(2_000);
                }
            }
            while (running) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
                if (!caughtUp && ends.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                    caughtUp = true;
                    log.info("reviews ready: {} reviewed, {} erased alerts", state.reviewCount(), state.erasedCount());
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                problem = "reviews stopped: " + e;
                caughtUp = false;
                log.error("review views stopped: {}", e.toString(), e);
            }
        }
    }

    private Map<TopicPartition, Long> assign(KafkaConsumer<String, byte[]> c) {
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : List.of(kafka.topics().alertErasures(), kafka.topics().alertReviews())) {
            List<PartitionInfo> parts = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (parts == null || parts.isEmpty()) {
                return null;
            }
            parts.forEach(pi -> all.add(new TopicPartition(topic, pi.partition())));
        }
        c.assign(all);
        c.seekToBeginning(all);
        return c.endOffsets(all, Duration.ofSeconds(30));
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        try {
            if (r.topic().equals(kafka.topics().alertErasures())) {
                if (r.value() != null) {
                    ReviewJson.read(r.topic(), r.value(), Erasure.class);
                    state.applyErasure(r.key());
                }
            } else {
                state.applyReview(r.key(), ReviewJson.read(r.topic(), r.value(), Review.class));
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
