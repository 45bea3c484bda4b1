package io.maskwatch.alerter.review;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Value of {@code maskwatch.alert-reviews} (key: alert id): what the custodian said about one alert.
 * Either part may be absent; a later action replaces only its own part.
 *
 * @param acknowledged who saw and handled it, or null
 * @param falseAlarm   who said the detector was wrong (and what the face really shows), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Review(int schemaVersion, String alertId, Acknowledged acknowledged, FalseAlarm falseAlarm) {
    public static final int SCHEMA_VERSION = 1;

    /** @param by the caller's role ({@code admin}), never a token */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Acknowledged(String by, long atMs, String note) {
    }

    /** @param label the corrected classifier label ({@code mask}, {@code no_mask}, {@code incorrect}), or null */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FalseAlarm(String by, long atMs, String note, String label) {
    }

    public static Review empty(String alertId) {
        return new Review(SCHEMA_VERSION, alertId, null, null);
    }

    public Review withAcknowledged(Acknowledged a) {
        return new Review(SCHEMA_VERSION, alertId, a, falseAlarm);
    }

    public Review withFalseAlarm(FalseAlarm f) {
        return new Review(SCHEMA_VERSION, alertId, acknowledged, f);
    }
}
