package io.maskwatch.alerter.notify;

import io.maskwatch.common.contract.Notification;

/** Where a notification goes. One attempt per call; retries are the dispatcher's job. */
public interface Sink {
    SinkConfig config();

    default String name() {
        return config().name();
    }

    Result deliver(Notification n) throws InterruptedException;

    /** Outcome of one attempt. {@code reason} never contains the sink's URL (it may be a secret). */
    record Result(boolean delivered, boolean retryable, String reason) {
        public static final Result OK = new Result(true, false, null);

        public static Result retry(String reason) {
            return new Result(false, true, reason);
        }

        public static Result permanent(String reason) {
            return new Result(false, false, reason);
        }
    }

    static Sink of(SinkConfig cfg, java.net.http.HttpClient http) {
        return switch (cfg.sinkType()) {
            case WEBHOOK -> new HttpSink(cfg, http, HttpSink.Format.WEBHOOK);
            case SLACK -> new HttpSink(cfg, http, HttpSink.Format.SLACK);
            case LOG -> new LogSink(cfg);
        };
    }
}
