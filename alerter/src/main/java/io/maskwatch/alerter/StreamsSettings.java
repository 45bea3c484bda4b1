package io.maskwatch.alerter;

import io.maskwatch.common.config.KafkaSettings;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka Streams properties of the alerter: exactly-once, state in the configured directory, decode
 * errors skipped, processing and production errors dead-lettered ({@link StreamsDeadLetters}), every
 * RocksDB store in one memory budget ({@link RocksDbMemory}); the caller closes the writer found under
 * {@link StreamsDeadLetters#CONFIG} and the budget under {@link RocksDbMemory#CONFIG} when done.
 */
public final class StreamsSettings {
    private StreamsSettings() {
    }

    public static Properties of(AlerterConfig cfg, KafkaSettings kafka, AlerterMetrics metrics) {
        Properties p = kafka.clientConfig();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, cfg.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, cfg.stateDir());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, cfg.streamThreads());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, cfg.commitIntervalMs());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DecodeErrorHandler.class.getName());
        p.put(DecodeErrorHandler.METRICS_CONFIG, metrics);
        // A processor or producer error dead-letters the record instead of stopping the topology.
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, StreamsDeadLetters.ProcessingHandler.class.getName());
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, StreamsDeadLetters.ProductionHandler.class.getName());
        p.put(StreamsDeadLetters.CONFIG, new StreamsDeadLetters(kafka, StreamsDeadLetters.DEFAULT_TOPIC,
                cfg.applicationId() + "-dlq", metrics));
        p.putAll(cfg.streamsProperties());
        long budgetMb = RocksDbMemory.DEFAULT_BUDGET_MB;
        String override = cfg.streamsProperties().get(RocksDbMemory.BUDGET_MB_CONFIG);
        if (override != null) {
            try {
                budgetMb = Long.parseLong(override.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("alerter.streams-properties." + RocksDbMemory.BUDGET_MB_CONFIG
                        + ": a number of MB, got '" + override + "'");
            }
        }
        p.put(RocksDbMemory.CONFIG, new RocksDbMemory(budgetMb << 20));
        if (!cfg.streamsProperties().containsKey(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)) {
            p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, RocksDbMemory.ConfigSetter.class.getName());
        }
        // Alerts carry face crops and track state carries the best crop per person.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), AlerterTopology.MAX_STATE_RECORD_BYTES);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                AlerterTopology.MAX_STATE_RECORD_BYTES);
        return p;
    }
}
