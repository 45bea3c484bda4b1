package io.maskwatch.ingest.camera;

/** Why a sampled frame never reached Kafka: the {@code reason} tag of {@code maskwatch.ingest.frames.dropped}. */
public enum DropReason {
    /** The camera's queue was full (Kafka slow or down): the oldest waiting frame made room. */
    QUEUE_FULL("queue_full"),
    /** Kafka did not accept the frame in time (broker down, delivery timeout, record too large). */
    SEND_FAILED("send_failed"),
    /** Motion gating: nothing moved since the last frame sent. */
    NO_MOTION("no_motion"),
    /** Still queued when the service stopped. */
    SHUTDOWN("shutdown");

    private final String tag;

    DropReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
