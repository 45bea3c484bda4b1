package io.maskwatch.alerter.review;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Value of {@code maskwatch.audit} (key: alert id): who did what to which alert, when.
 *
 * @param by     the caller's role ({@code read}, {@code admin}), {@code link} for a signed notification
 *               link, or {@code cli:USER} for a command; never a token
 * @param action one of {@link Action}'s wire names
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditRecord(int schemaVersion, long atMs, String by, String action, String alertId) {
    public static final int SCHEMA_VERSION = 1;

    public enum Action {
        VIEW_ALERT("view_alert"),
        VIEW_FACE("view_face"),
        VIEW_HEATMAP("view_heatmap"),
        ACKNOWLEDGE("acknowledge"),
        FALSE_ALARM("false_alarm"),
        ERASE("erase"),
        EXPORT_FEEDBACK("export_feedback");

        private final String wireName;

        Action(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public static AuditRecord of(long atMs, String by, Action action, String alertId) {
        return new AuditRecord(SCHEMA_VERSION, atMs, by, action.wireName(), alertId);
    }
}
