package io.maskwatch.common.contract;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record on a MaskWatch topic could not be decoded. Typed so consumers can route the
 * record to a dead-letter topic, count it and carry on instead of crashing.
 */
public class EventDecodingException extends SerializationException {
    private final String topic;
    private final String reason;

    public EventDecodingException(String topic, String reason, Throwable cause) {
        super("cannot decode record on topic '" + topic + "': " + reason, cause);
        this.topic = topic;
        this.reason = reason;
    }

    public EventDecodingException(String topic, String reason) {
        this(topic, reason, null);
    }

    public String topic() {
        return topic;
    }

    /** Short, log- and header-friendly reason (no payload bytes). */
    public String reason() {
        return reason;
    }
}
