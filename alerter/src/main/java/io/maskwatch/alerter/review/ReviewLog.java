package io.maskwatch.alerter.review;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.kafka.ClientConfigs;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes reviews, erasures and audit records. Changes are written synchronously (the caller hears
 * "done" only once Kafka has them, so every replica and a restart see them); audit records of views
 * are sent without waiting (a face view does not wait on the broker), failures are logged.
 */
public final class ReviewLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReviewLog.class);
    static final long SEND_TIMEOUT_MS = 15_000;

    private final KafkaSettings kafka;
    private final ReviewState state;
    private final Clock clock;
    private final String clientId;
    private volatile KafkaProducer<String, byte[]> producer;

    public ReviewLog(KafkaSettings kafka, ReviewState state, Clock clock, String clientId) {
        this.kafka = kafka;
        this.state = state;
        this.clock = clock;
        this.clientId = clientId;
    }

    public synchronized void start() {
        if (producer == null) {
            producer = new KafkaProducer<>(ClientConfigs.producer(kafka, clientId));
        }
    }

    public Clock clock() {
        return clock;
    }

    /** Stores a review (replacing the alert's previous one) and applies it here at once. */
    public void put(Review r) throws UnavailableException {
        send(kafka.topics().alertReviews(), r.alertId(), ReviewJson.write(r));
        state.applyReview(r.alertId(), r);
    }

    /**
     * Erases an alert: first the marker (from then on no reader serves or exports it, also after a
     * restart), then tombstones for its images (compaction removes the face and heat map from Kafka)
     * and its review (the notes).
     */
    public Erasure erase(String alertId) throws UnavailableException {
        Erasure e = new Erasure(Erasure.SCHEMA_VERSION, alertId, clock.millis());
        send(kafka.topics().alertErasures(), alertId, ReviewJson.write(e));
        state.applyErasure(alertId);
        send(kafka.topics().alertImages(), alertId, null);
        send(kafka.topics().alertReviews(), alertId, null);
        return e;
    }

    /** Records an action or a view; does not wait for the broker. */
    public void audit(String by, AuditRecord.Action action, String alertId) {
        KafkaProducer<String, byte[]> p = producer;
        AuditRecord a = AuditRecord.of(clock.millis(), by, action, alertId);
        if (p == null) {
            log.warn("audit record not written (not started): {} {} {}", by, action.wireName(), alertId);
            return;
        }
        try {
            p.send(new ProducerRecord<>(kafka.topics().audit(), alertId, ReviewJson.write(a)), (md, err) -> {
                if (err != null) {
                    log.warn("audit record not written to {}: {} {} {}: {}", kafka.topics().audit(), by, action.wireName(),
                            alertId, err.toString());
                }
            });
        } catch (RuntimeException e) {
            // closed while shutting down, or the buffer stayed full: the view is answered, the record logged
            log.warn("audit record not written to {}: {} {} {}: {}", kafka.topics().audit(), by, action.wireName(),
                    alertId, e.toString());
        }
    }

    private void send(String topic, String key, byte[] value) throws UnavailableException {
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            throw new UnavailableException("the alerter is still starting");
        }
        try {
            p.send(new ProducerRecord<>(topic, key, value)).get(SEND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted");
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            log.warn("cannot write to {}: {}", topic, cause.toString());
            throw new UnavailableException("Kafka did not accept the write to " + topic + " (" + cause.getClass().getSimpleName()
                    + "); nothing was changed, try again");
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(10));
            producer = null;
        }
    }

    /** Kafka is not reachable (or we are not started): the request may be retried. */
    public static final class UnavailableException extends Exception {
        public UnavailableException(String message) {
            super(message);
        }
    }
}
