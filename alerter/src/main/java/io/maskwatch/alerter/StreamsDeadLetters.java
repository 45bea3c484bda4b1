package io.maskwatch.alerter;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.kafka.ClientConfigs;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerter topology's dead-letter topic ({@value #DEFAULT_TOPIC}): a record a processor throws
 * on, or that cannot be written to its output topic, goes there with the reason in
 * {@code mw.dlq.reason} and the topic to replay it to in {@code mw.dlq.topic} (see
 * {@code maskwatch dlq replay}), and the topology continues. If even the DLQ write fails the
 * handler answers FAIL: the topology stops and the process restarts rather than lose the record.
 *
 * <p>The DLQ write uses its own plain producer, outside the exactly-once transaction: a record may
 * be dead-lettered twice if its task is later aborted (the DLQ is at-least-once).
 */
public final class StreamsDeadLetters implements AutoCloseable {
    public static final String DEFAULT_TOPIC = "maskwatch.alerter.dlq";
    /** Streams config key under which {@link StreamsSettings} passes the writer to the handlers. */
    public static final String CONFIG = "maskwatch.alerter.dead-letters";
    public static final String REASON = "mw.dlq.reason";
    public static final String TOPIC = "mw.dlq.topic";
    public static final String SOURCE = "mw.dlq.source";
    private static final Logger log = LoggerFactory.getLogger(StreamsDeadLetters.class);

    private final KafkaSettings kafka;
    private final String topic;
    private final String clientId;
    private final Counter written;
    private KafkaProducer<byte[], byte[]> producer;
    private boolean topicChecked;
    private boolean closed;

    public StreamsDeadLetters(KafkaSettings kafka, String topic, String clientId, AlerterMetrics metrics) {
        this.kafka = kafka;
        this.topic = topic;
        this.clientId = clientId;
        this.written = Counter.builder("maskwatch.alerter.streams.dlq")
                .description("records the topology dead-lettered (processing or production errors)")
                .register(metrics.registry());
    }

    public String topic() {
        return topic;
    }

    /**
     * Writes one dead letter and waits for the broker's acknowledgement.
     *
     * @param replayTo the topic {@code dlq replay} sends it back to, null when it has none
     * @throws IllegalStateException when the DLQ cannot be written
     */
    synchronized void write(String replayTo, String source, byte[] key, byte[] value, Headers original, String reason) {
        if (closed) {
            throw new IllegalStateException("dead-letter writer closed");
        }
        RecordHeaders headers = new RecordHeaders();
        if (original != null) {
            for (Header h : original) {
                if (!h.key().startsWith("mw.dlq.")) {
                    headers.add(h);
                }
            }
        }
        headers.add(REASON, truncate(reason).getBytes(StandardCharsets.UTF_8));
        if (replayTo != null) {
            headers.add(TOPIC, replayTo.getBytes(StandardCharsets.UTF_8));
        }
        headers.add(SOURCE, source.getBytes(StandardCharsets.UTF_8));
        try {
            ensureTopic();
            if (producer == null) {
                var p = ClientConfigs.producer(kafka, clientId);
                p.put("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
                p.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
                producer = new KafkaProducer<>(p);
            }
            producer.send(new ProducerRecord<>(topic, null, key, value, headers)).get(60, TimeUnit.SECONDS);
            written.increment();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted writing to " + topic, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            throw new IllegalStateException("cannot write to " + topic + ": " + e, e);
        }
    }

    private void ensureTopic() throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        if (topicChecked || !kafka.createTopics()) {
            return;
        }
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            // DLQ records can carry face crops: they expire like the other DLQs (docs/PRIVACY.md)
            NewTopic dlq = new NewTopic(topic, kafka.partitions(), kafka.replicationFactor()).configs(Map.of(
                    "retention.ms", String.valueOf(KafkaSettings.RetentionHours.millis(kafka.retentionHours().alerterDlq())),
                    "max.message.bytes", String.valueOf(KafkaSettings.MAX_MESSAGE_BYTES)));
            admin.createTopics(List.of(dlq))
                    .all().get(30, TimeUnit.SECONDS);
            log.info("created topic {}", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        topicChecked = true;
    }

    private static String truncate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500);
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static StreamsDeadLetters from(Map<String, ?> configs) {
        Object o = configs.get(CONFIG);
        if (!(o instanceof StreamsDeadLetters d)) {
            throw new IllegalStateException("Streams config " + CONFIG + " is not set; build the properties with "
                    + "StreamsSettings.of");
        }
        return d;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
    }

    /** A processor threw: the source record (raw bytes, as read) goes to the DLQ and processing continues. */
    public static final class ProcessingHandler implements ProcessingExceptionHandler {
        private StreamsDeadLetters dlq;

        @Override
        public void configure(Map<String, ?> configs) {
            dlq = from(configs);
        }

        @Override
        public ProcessingHandlerResponse handle(ErrorHandlerContext ctx, Record<?, ?> record, Exception exception) {
            String where = ctx.topic() == null ? "a punctuation of task " + ctx.taskId()
                    : ctx.topic() + "-" + ctx.partition() + "@" + ctx.offset();
            String reason = "processing failed in " + ctx.processorNodeId() + ": " + describe(exception);
            log.warn("alerter: {} ({}); the record goes to {}", reason, where, dlq.topic());
            try {
                byte[] value = ctx.sourceRawValue();
                if (value == null && record.value() != null) {
                    // Raised in a punctuation: no source record, keep what can be shown of the failing one.
                    value = String.valueOf(record.value()).getBytes(StandardCharsets.UTF_8);
                }
                dlq.write(ctx.topic(), where, ctx.sourceRawKey(), value, ctx.headers(), reason);
                return ProcessingHandlerResponse.CONTINUE;
            } catch (IllegalStateException e) {
                log.error("alerter: {}; stopping rather than losing the record", e.getMessage());
                return ProcessingHandlerResponse.FAIL;
            }
        }
    }

    /** An output record the producer or its serializer refused goes to the DLQ, to be replayed to that topic. */
    public static final class ProductionHandler implements ProductionExceptionHandler {
        private StreamsDeadLetters dlq;

        @Override
        public void configure(Map<String, ?> configs) {
            dlq = from(configs);
        }

        @Override
        public ProductionExceptionHandlerResponse handle(ErrorHandlerContext ctx, ProducerRecord<byte[], byte[]> record,
                                                         Exception exception) {
            if (exception instanceof RetriableException) {
                return ProductionExceptionHandlerResponse.RETRY;
            }
            String reason = "write to " + record.topic() + " failed: " + describe(exception);
            log.warn("alerter: {}; the record goes to {}", reason, dlq.topic());
            try {
                dlq.write(record.topic(), sourceOf(ctx), record.key(), record.value(), record.headers(), reason);
                return ProductionExceptionHandlerResponse.CONTINUE;
            } catch (IllegalStateException e) {
                log.error("alerter: {}; stopping rather than losing the record", e.getMessage());
                return ProductionExceptionHandlerResponse.FAIL;
            }
        }

        @Override
        @SuppressWarnings("rawtypes")
        public ProductionExceptionHandlerResponse handleSerializationException(ErrorHandlerContext ctx, ProducerRecord record,
                                                                               Exception exception,
                                                                               SerializationExceptionOrigin origin) {
            // The output could not be serialized, so keep the input that led to it (replayable to its source topic).
            String reason = "serializing the " + origin.name().toLowerCase() + " for " + record.topic() + " failed: "
                    + describe(exception);
            log.warn("alerter: {}; the source record goes to {}", reason, dlq.topic());
            try {
                dlq.write(ctx.topic(), sourceOf(ctx), ctx.sourceRawKey(), ctx.sourceRawValue(), ctx.headers(), reason);
                return ProductionExceptionHandlerResponse.CONTINUE;
            } catch (IllegalStateException e) {
                log.error("alerter: {}; stopping rather than losing the record", e.getMessage());
                return ProductionExceptionHandlerResponse.FAIL;
            }
        }

        private static String sourceOf(ErrorHandlerContext ctx) {
            return ctx.topic() == null ? "task " + ctx.taskId() : ctx.topic() + "-" + ctx.partition() + "@" + ctx.offset();
        }
    }
}
