package io.maskwatch.alerter.notify;

import io.maskwatch.alerter.AlerterMetrics;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.EventDecodingException;
import io.maskwatch.common.contract.Notification;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.serde.EventSerdes;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.clients.consumer.CommitFailedException;
import io.maskwatch.common.observability.HealthCheck;
import io.maskwatch.common.observability.HealthCheck.Heartbeat;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications from the notifications topic to the configured sinks, outside the
 * Streams threads so a slow webhook never stalls the topology. Each record is delivered to every
 * sink (retrying with exponential backoff) and only then committed: delivery is at-least-once,
 * with the notification id as {@code Idempotency-Key} for receivers that de-duplicate. A
 * notification a sink cannot take goes to the DLQ topic with the reason in header
 * {@code mw.dlq.reason} and is counted; if even the DLQ write fails the offset is not committed
 * and the record is tried again, so nothing is silently lost.
 */
public final class NotificationDispatcher implements AutoCloseable {
    public static final String DLQ_REASON = "mw.dlq.reason";
    public static final String DLQ_SINK = "mw.dlq.sink";
    public static final String DLQ_ATTEMPTS = "mw.dlq.attempts";
    private static final Logger log = LoggerFactory.getLogger(NotificationDispatcher.class);
    private static final int MAX_POLL_RECORDS = 20;

    private final NotificationConfig cfg;
    private final KafkaSettings kafka;
    private final String groupId;
    private final List<Sink> sinks;
    private final AlerterMetrics metrics;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean running;
    private volatile boolean alive;
    private final Heartbeat heartbeat;
    private volatile Thread watchdog;
    private volatile Consumer<String> onFatal;
    /** Counted down by close(): wakes backoff waits without interrupting Kafka clients. */
    private final CountDownLatch stopping = new CountDownLatch(1);

    public NotificationDispatcher(NotificationConfig cfg, KafkaSettings kafka, String groupId, List<Sink> sinks,
                                  AlerterMetrics metrics, Clock clock) {
        this.cfg = cfg;
        this.kafka = kafka;
        this.groupId = groupId;
        this.sinks = List.copyOf(sinks);
        this.metrics = metrics;
        this.clock = clock;
        this.thread = new Thread(this::run, "alerter-notify");
        // Silence allowed: one record's worst case on every sink, plus a margin for the broker.
        this.heartbeat = new Heartbeat("notification delivery", Duration.ofMillis(worstCaseMs() + 120_000), clock);
        for (Sink s : sinks) {
            metrics.notificationDlq(s.name());
            metrics.deliveryTimer(s.name());
        }
    }

    public synchronized void start() {
        running = true;
        alive = true;
        heartbeat.beat();
        thread.start();
        Consumer<String> h = onFatal;
        if (h != null) {
            watchdog = heartbeat.watch(Duration.ofSeconds(1), reason -> {
                if (running) {
                    log.error("{}; the alerter cannot continue", reason);
                    h.accept(reason);
                }
            });
        }
    }

    /**
     * Called once (on a watchdog thread) when delivery has died or made no progress for longer than
     * any sink's retries can explain. Set before {@link #start()}.
     */
    public NotificationDispatcher onFatal(Consumer<String> handler) {
        this.onFatal = handler;
        return this;
    }

    /** Null when delivering, otherwise why not (for /health/ready and liveness). */
    public String problem() {
        if (!running) {
            return null;
        }
        String dead = heartbeat.liveness().problem();
        return dead != null ? dead : alive ? null : "notification delivery thread stopped (see the log)";
    }

    private long worstCaseMs() {
        long worst = 0;
        for (Sink s : sinks) {
            SinkConfig c = s.config();
            worst += (c.maxRetries() + 1L) * c.timeoutMs();
            for (int r = 1; r <= c.maxRetries(); r++) {
                worst += c.backoffMs(r);
            }
        }
        return worst;
    }

    private Properties consumerProps() {
        Properties p = ClientConfigs.consumer(kafka, groupId, groupId);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        long worst = worstCaseMs();
        // A poll loop that is busy retrying must not be mistaken for a dead consumer.
        long interval = Math.max(300_000, worst * MAX_POLL_RECORDS + 60_000);
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, interval));
        return p;
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps());
             KafkaProducer<String, byte[]> dlq = new KafkaProducer<>(ClientConfigs.producer(kafka, groupId + "-dlq"))) {
            c.subscribe(List.of(kafka.topics().notifications()));
            while (running) {
                heartbeat.beat();
                ConsumerRecords<String, byte[]> records;
                try {
                    records = c.poll(Duration.ofMillis(500));
                } catch (RetriableException e) {
                    log.warn("notification delivery: poll failed ({}); polling again", e.toString());
                    continue;
                }
                boolean failed = false;
                batch:
                for (TopicPartition tp : records.partitions()) {
                    for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                        heartbeat.beat();
                        if (!running) {
                            return;
                        }
                        try {
                            handle(r, dlq);
                        } catch (IllegalStateException e) {
                            // Rewind this partition to the record: it is tried again, never skipped.
                            log.error("{}; retrying notification at {}@{} in 5 s", e.getMessage(), tp, r.offset());
                            c.seek(tp, r.offset());
                            failed = true;
                            break;
                        }
                        if (!commit(c, Map.of(tp, new OffsetAndMetadata(r.offset() + 1)))) {
                            // After a rebalance the rest of this batch may belong to another member: poll again.
                            break batch;
                        }
                    }
                }
                if (failed && stopping.await(5, TimeUnit.SECONDS)) {
                    return;
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                heartbeat.stopped(e.toString());
                log.error("notification delivery stopped: {}", e.toString(), e);
            }
        } finally {
            alive = false;
        }
    }

    /**
     * Commits one delivered record. A commit lost to a rebalance or a timeout means the record is
     * delivered again (at-least-once, receivers de-duplicate by Idempotency-Key), never that
     * delivery stops; other errors (authorization, fencing) end the loop and liveness fails.
     *
     * @return false when not committed and the caller should poll again
     */
    static boolean commit(org.apache.kafka.clients.consumer.Consumer<?, ?> c, Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            c.commitSync(offsets);
            return true;
        } catch (CommitFailedException | RebalanceInProgressException e) {
            log.warn("notification commit failed during a rebalance ({}); {} is delivered again by its new owner",
                    e.getClass().getSimpleName(), offsets.keySet());
            return false;
        } catch (RetriableException e) {
            log.warn("notification commit failed ({}); {} may be delivered again", e.toString(), offsets.keySet());
            return false;
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r, KafkaProducer<String, byte[]> dlq) throws InterruptedException {
        Notification n;
        try {
            n = EventSerdes.notifications().deserialize(r.topic(), r.value());
        } catch (EventDecodingException e) {
            metrics.decodeError(r.topic());
            metrics.notificationDlq("-").increment();
            toDlq(dlq, r, "undecodable notification: " + e.reason(), "-", 0);
            return;
        }
        if (n == null) {
            return;
        }
        if (cfg.maxAgeMs() > 0 && clock.millis() - n.windowEndMs() > cfg.maxAgeMs()) {
            for (Sink s : sinks) {
                metrics.notification(s.name(), "failed");
                metrics.notificationDlq(s.name()).increment();
            }
            toDlq(dlq, r, "stale: older than notifications.max-age-ms (" + cfg.maxAgeMs() + " ms)", "*", 0);
            return;
        }
        for (Sink s : sinks) {
            deliver(s, n, r, dlq);
        }
    }

    private void deliver(Sink s, Notification n, ConsumerRecord<String, byte[]> r, KafkaProducer<String, byte[]> dlq)
            throws InterruptedException {
        Timer.Sample sample = Timer.start();
        int attempts = 0;
        Sink.Result result;
        while (true) {
            attempts++;
            try {
                result = s.deliver(n);
            } catch (RuntimeException e) {
                result = Sink.Result.retry("sink error (" + e.getClass().getSimpleName() + ")");
            }
            if (result.delivered() || !result.retryable() || attempts > s.config().maxRetries()) {
                break;
            }
            long delay = s.config().backoffMs(attempts);
            log.debug("sink {}: {} for {}, retry {} in {} ms", s.name(), result.reason(), n.notificationId(), attempts, delay);
            heartbeat.beat();
            if (stopping.await(delay, TimeUnit.MILLISECONDS)) {
                throw new InterruptedException("closing"); // not committed: delivered again after a restart
            }
        }
        sample.stop(metrics.deliveryTimer(s.name()));
        if (result.delivered()) {
            metrics.notification(s.name(), "delivered");
            return;
        }
        metrics.notification(s.name(), "failed");
        metrics.notificationDlq(s.name()).increment();
        String reason = "sink " + s.name() + ": " + result.reason() + " after " + attempts
                + (attempts == 1 ? " attempt" : " attempts");
        log.warn("notification {} of camera {} could not be delivered ({}); sent to {}", n.notificationId(),
                n.cameraId(), reason, kafka.topics().notificationsDlq());
        toDlq(dlq, r, reason, s.name(), attempts);
    }

    private void toDlq(KafkaProducer<String, byte[]> dlq, ConsumerRecord<String, byte[]> r, String reason, String sink,
                       int attempts) {
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(kafka.topics().notificationsDlq(), r.key(), r.value());
        out.headers().add(DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
        out.headers().add(DLQ_SINK, sink.getBytes(StandardCharsets.UTF_8));
        out.headers().add(DLQ_ATTEMPTS, String.valueOf(attempts).getBytes(StandardCharsets.UTF_8));
        try {
            dlq.send(out).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Not committed, so the notification is tried again rather than lost.
            throw new IllegalStateException("cannot write to " + kafka.topics().notificationsDlq() + ": " + e, e);
        }
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        stopping.countDown();
        if (watchdog != null) {
            watchdog.interrupt();
        }
        // No consumer.wakeup(): it could abort the commit of a notification just delivered. The poll
        // loop checks 'running' at least every 500 ms.
        try {
            // An HTTP attempt in flight ends within its timeout; interrupt only a thread that hangs beyond that.
            long maxTimeout = sinks.stream().mapToLong(s -> s.config().timeoutMs()).max().orElse(0);
            thread.join(maxTimeout + 10_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
