package io.maskwatch.alerter.notify;

import io.maskwatch.common.contract.Notification;
import java.util.List;

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
        return of(cfg, http, null);
    }

    /**
     * @param email what an e-mail sink reads besides its config (alert images, links, the password's source)
     * @throws IllegalArgumentException when an e-mail sink's password cannot be read (naming where, never the value)
     */
    static Sink of(SinkConfig cfg, java.net.http.HttpClient http, EmailSink.Context email) {
        return switch (cfg.sinkType()) {
            case WEBHOOK -> new HttpSink(cfg, http, HttpSink.Format.WEBHOOK);
            case SLACK -> new HttpSink(cfg, http, HttpSink.Format.SLACK);
            case LOG -> new LogSink(cfg);
            case EMAIL -> new EmailSink(cfg, java.util.Objects.requireNonNull(email, "an email sink needs its context"));
        };
    }

    /** The sinks of a configuration; an e-mail sink whose password is missing stops the start with a clear error. */
    static List<Sink> all(List<SinkConfig> configs, java.net.http.HttpClient http,
                          java.util.function.Function<String, java.util.Optional<io.maskwatch.common.contract.Alert>> alerts,
                          SnapshotLinks links) {
        List<Sink> out = new java.util.ArrayList<>();
        List<String> problems = new java.util.ArrayList<>();
        for (SinkConfig s : configs) {
            try {
                out.add(of(s, http, EmailSink.Context.of(alerts, links)));
            } catch (IllegalArgumentException e) {
                problems.add("alerter.notifications.sinks[" + s.name() + "]." + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new io.maskwatch.common.config.ConfigException(problems);
        }
        return out;
    }
}
