package io.maskwatch.alerter.notify;

import io.maskwatch.alerter.AlerterMetrics;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.EventDecodingException;
import io.maskwatch.common.contract.Notification;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.observability.HealthCheck.Heartbeat;
import io.maskwatch.common.serde.EventSerdes;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications from the notifications topic to the configured sinks, outside the
 * Streams threads so a slow webhook never stalls the topology. Each sink has its own delivery
 * loop and consumer group ({@code <group-id>.<sink name>}), so a slow or failing sink never delays
 * another. A record is committed for a sink once that sink took it (retrying with jittered
 * exponential backoff): delivery is at-least-once, with the notification id as
 * {@code Idempotency-Key} for receivers that de-duplicate. A notification a sink cannot take goes
 * to the DLQ topic with the reason in header {@code mw.dlq.reason} and is counted; if even the DLQ
 * write fails the offset is not committed and the record is tried again, so nothing is silently lost.
 * Undecodable and stale records are dead-lettered once, by the first sink's loop.
 */
public final class NotificationDispatcher implements AutoCloseable {
    public static final String DLQ_REASON = "mw.dlq.reason";
    public static final String DLQ_SINK = "mw.dlq.sink";
    public static final String DLQ_ATTEMPTS = "mw.dlq.attempts";
    /** The topic a dead letter came from, for {@code maskwatch dlq replay}. */
    public static final String DLQ_TOPIC = "mw.dlq.topic";
    private static final Logger log = LoggerFactory.getLogger(NotificationDispatcher.class);
    private static final int MAX_POLL_RECORDS = 20;

    private final NotificationConfig cfg;
    private final KafkaSettings kafka;
    private final AlerterMetrics metrics;
    private final Clock clock;
    private final List<Worker> workers = new ArrayList<>();
    private volatile boolean running;
    private volatile Consumer<String> onFatal;
    /** Counted down by close(): wakes backoff waits without interrupting Kafka clients. */
    private final CountDownLatch stopping = new CountDownLatch(1);

    public NotificationDispatcher(NotificationConfig cfg, KafkaSettings kafka, String groupId, List<Sink> sinks,
                                  AlerterMetrics metrics, Clock clock) {
        this.cfg = cfg;
        this.kafka = kafka;
        this.metrics = metrics;
        this.clock = clock;
        for (int i = 0; i < sinks.size(); i++) {
            Sink s = sinks.get(i);
            metrics.notificationDlq(s.name());
            metrics.deliveryTimer(s.name());
            workers.add(new Worker(s, i == 0, groupId + "." + s.name()));
        }
    }

    public synchronized void start() {
        running = true;
        for (Worker w : workers) {
            w.start();
        }
    }

    /**
     * Called once (on a watchdog thread) when a sink's delivery loop has died or made no progress
     * for longer than its retries can explain. Set before {@link #start()}.
     */
    public NotificationDispatcher onFatal(Consumer<String> handler) {
        this.onFatal = handler;
        return this;
    }

    /** Null when every sink's loop delivers, otherwise why not (for /health/ready and liveness). */
    public String problem() {
        if (!running) {
            return null;
        }
        for (Worker w : workers) {
            String p = w.problem();
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    /**
     * Commits one delivered record. A commit lost to a rebalance or a timeout means the record is
     * delivered again (at-least-once, receivers de-duplicate by Idempotency-Key), never that
     * delivery stops; other errors (authorization, fencing) end the loop and liveness fails.
     *
     * @return false when not committed and the caller should poll again
     */
    static boolean commit(org.apache.kafka.clients.consumer.Consumer<?, ?> c, Map<TopicPartition, OffsetAndMetadata> offsets) {
        return io.maskwatch.common.kafka.OffsetCommits.commit(c, offsets, 1);
    }

    /** One sink's delivery loop: its own consumer group, thread, DLQ producer and heartbeat. */
    private final class Worker {
        private final Sink sink;
        private final boolean primary;
        private final String groupId;
        private final Thread thread;
        private final Heartbeat heartbeat;
        private final SplittableRandom random = new SplittableRandom();
        private volatile boolean alive;
        private volatile Thread watchdog;

        Worker(Sink sink, boolean primary, String groupId) {
            this.sink = sink;
            this.primary = primary;
            this.groupId = groupId;
            this.thread = new Thread(this::run, "alerter-notify-" + sink.name());
            // Silence allowed: the worst case of one record on this sink, plus a margin for the broker.
            this.heartbeat = new Heartbeat("notification delivery to " + sink.name(),
                    Duration.ofMillis(worstCaseMs() + 120_000), clock);
        }

        void start() {
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

        String problem() {
            String dead = heartbeat.liveness().problem();
            return dead != null ? dead : alive ? null : "notification delivery to " + sink.name() + " stopped (see the log)";
        }

        private long worstCaseMs() {
            SinkConfig c = sink.config();
            long worst = (c.maxRetries() + 1L) * c.timeoutMs();
            for (int r = 1; r <= c.maxRetries(); r++) {
                worst += c.backoffMs(r);
            }
            return worst;
        }

        private Properties consumerProps() {
            Properties p = ClientConfigs.consumer(kafka, groupId, groupId);
            p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
            // A poll loop that is busy retrying must not be mistaken for a dead consumer.
            long interval = Math.max(300_000, worstCaseMs() * MAX_POLL_RECORDS + 60_000);
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
                        log.warn("notification delivery to {}: poll failed ({}); polling again", sink.name(), e.toString());
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
                    log.error("notification delivery to {} stopped: {}", sink.name(), e.toString(), e);
                }
            } finally {
                alive = false;
            }
        }

        private void handle(ConsumerRecord<String, byte[]> r, KafkaProducer<String, byte[]> dlq) throws InterruptedException {
            Notification n;
            try {
                n = EventSerdes.notifications().deserialize(r.topic(), r.value());
            } catch (EventDecodingException e) {
                if (primary) {
                    metrics.decodeError(r.topic());
                    metrics.notificationDlq("-").increment();
                    toDlq(dlq, r, "undecodable notification: " + e.reason(), "-", 0);
                }
                return;
            }
            if (n == null) {
                return;
            }
            if (cfg.maxAgeMs() > 0 && clock.millis() - n.windowEndMs() > cfg.maxAgeMs()) {
                metrics.notification(sink.name(), "failed");
                metrics.notificationDlq(sink.name()).increment();
                if (primary) {
                    toDlq(dlq, r, "stale: older than notifications.max-age-ms (" + cfg.maxAgeMs() + " ms)", "*", 0);
                }
                return;
            }
            deliver(n, r, dlq);
        }

        private void deliver(Notification n, ConsumerRecord<String, byte[]> r, KafkaProducer<String, byte[]> dlq)
                throws InterruptedException {
            Timer.Sample sample = Timer.start();
            int attempts = 0;
            Sink.Result result;
            while (true) {
                attempts++;
                try {
                    result = sink.deliver(n);
                } catch (RuntimeException e) {
                    result = Sink.Result.retry("sink error (" + e.getClass().getSimpleName() + ")");
                }
                if (result.delivered() || !result.retryable() || attempts > sink.config().maxRetries()) {
                    break;
                }
                long delay = sink.config().backoffMs(attempts, random);
                log.debug("sink {}: {} for {}, retry {} in {} ms", sink.name(), result.reason(), n.notificationId(),
                        attempts, delay);
                heartbeat.beat();
                if (stopping.await(delay, TimeUnit.MILLISECONDS)) {
                    throw new InterruptedException("closing"); // not committed: delivered again after a restart
                }
            }
            sample.stop(metrics.deliveryTimer(sink.name()));
            if (result.delivered()) {
                metrics.notification(sink.name(), "delivered");
                return;
            }
            metrics.notification(sink.name(), "failed");
            metrics.notificationDlq(sink.name()).increment();
            String reason = "sink " + sink.name() + ": " + result.reason() + " after " + attempts
                    + (attempts == 1 ? " attempt" : " attempts");
            log.warn("notification {} of camera {} could not be delivered ({}); sent to {}", n.notificationId(),
                    n.cameraId(), reason, kafka.topics().notificationsDlq());
            toDlq(dlq, r, reason, sink.name(), attempts);
        }

        private void toDlq(KafkaProducer<String, byte[]> dlq, ConsumerRecord<String, byte[]> r, String reason, String sinkName,
                           int attempts) {
            ProducerRecord<String, byte[]> out = new ProducerRecord<>(kafka.topics().notificationsDlq(), r.key(), r.value());
            for (Header h : r.headers()) {
                if (!h.key().startsWith("mw.dlq.")) {
                    out.headers().add(h);
                }
            }
            out.headers().add(DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
            out.headers().add(DLQ_SINK, sinkName.getBytes(StandardCharsets.UTF_8));
            out.headers().add(DLQ_ATTEMPTS, String.valueOf(attempts).getBytes(StandardCharsets.UTF_8));
            out.headers().add(DLQ_TOPIC, r.topic().getBytes(StandardCharsets.UTF_8));
            try {
                dlq.send(out).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Not committed, so the notification is tried again rather than lost.
                throw new IllegalStateException("cannot write to " + kafka.topics().notificationsDlq() + ": " + e, e);
            }
        }
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        stopping.countDown();
        for (Worker w : workers) {
            if (w.watchdog != null) {
                w.watchdog.interrupt();
            }
        }
        // No consumer.wakeup(): it could abort the commit of a notification just delivered. The poll
        // loops check 'running' at least every 500 ms.
        try {
            // An HTTP attempt in flight ends within its timeout; interrupt only a thread that hangs beyond that.
            long maxTimeout = workers.stream().mapToLong(w -> w.sink.config().timeoutMs()).max().orElse(0);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxTimeout + 10_000);
            for (Worker w : workers) {
                w.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            for (Worker w : workers) {
                if (w.thread.isAlive()) {
                    w.thread.interrupt();
                    w.thread.join(5_000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
