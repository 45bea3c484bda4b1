package io.maskwatch.alerter;

import io.maskwatch.common.contract.EventDecodingException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A detection that cannot be decoded is logged (topic, partition, offset and the reason; never the
 * payload), counted in {@code maskwatch.alerter.decode.errors} and skipped: one bad record must not
 * stop the alerter. The metrics come in through the Streams config under {@link #METRICS_CONFIG}.
 */
public final class DecodeErrorHandler implements DeserializationExceptionHandler {
    public static final String METRICS_CONFIG = "maskwatch.alerter.metrics";
    private static final Logger log = LoggerFactory.getLogger(DecodeErrorHandler.class);
    private AlerterMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        Object m = configs.get(METRICS_CONFIG);
        if (m instanceof AlerterMetrics am) {
            metrics = am;
        }
    }

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                 Exception exception) {
        String reason = exception instanceof EventDecodingException e ? e.reason() : exception.getClass().getSimpleName()
                + ": " + exception.getMessage();
        log.warn("skipping undecodable record {}-{}@{} ({} bytes): {}", record.topic(), record.partition(),
                record.offset(), record.value() == null ? 0 : record.value().length, reason);
        if (metrics != null) {
            metrics.decodeError(record.topic());
        }
        return DeserializationHandlerResponse.CONTINUE;
    }
}
