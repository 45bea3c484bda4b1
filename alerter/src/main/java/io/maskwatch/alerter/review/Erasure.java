package io.maskwatch.alerter.review;

/**
 * Value of {@code maskwatch.alert-erasures} (key: alert id): this alert was erased and no MaskWatch
 * reader may serve or export it again. Holds no personal data; who erased it is in the audit topic.
 */
public record Erasure(int schemaVersion, String alertId, long erasedAtMs) {
    public static final int SCHEMA_VERSION = 1;
}
