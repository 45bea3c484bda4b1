package io.maskwatch.alerter.notify;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where a notification sink delivers. The config keeps the type as text ({@code type: webhook}) so
 * that a bad value is reported together with every other problem of the file; code uses this enum.
 */
public enum SinkType {
    /** POST of the Notification JSON. */
    WEBHOOK("webhook", true),
    /** POST of a Slack incoming-webhook payload. */
    SLACK("slack", true),
    /** A log line (for trying things out). */
    LOG("log", false),
    /** An HTML e-mail over SMTP with the faces and heat maps inline. */
    EMAIL("email", false);

    private final String wireName;
    private final boolean needsUrl;

    SinkType(String wireName, boolean needsUrl) {
        this.wireName = wireName;
        this.needsUrl = needsUrl;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether the sink posts to {@code url}. */
    public boolean needsUrl() {
        return needsUrl;
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(SinkType::wireName).toList();
    }

    public static Optional<SinkType> parse(String s) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(s)).findFirst();
    }
}
