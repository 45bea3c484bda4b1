package io.maskwatch.common.contract;

/**
 * Default Kafka topic names. Every topic is keyed by camera id so one camera's data stays
 * ordered in one partition. Names can be changed in the {@code kafka.topics} config section.
 */
public final class Topics {
    /** Key: camera id. Value: JPEG bytes. Headers: {@link FrameMetadata}. */
    public static final String FRAMES = "maskwatch.frames";
    /** Frames the detector could not process; header {@code mw.dlq.reason} says why. */
    public static final String FRAMES_DLQ = "maskwatch.frames.dlq";
    /** Key: camera id. Value: {@link DetectionEvent} JSON. */
    public static final String DETECTIONS = "maskwatch.detections";
    /** Key: camera id. Value: {@link PersonEvent} JSON. */
    public static final String PERSONS = "maskwatch.persons";
    /** Key: camera id. Value: {@link Alert} JSON (schema 3: without images, see {@link #ALERT_IMAGES}). */
    public static final String ALERTS = "maskwatch.alerts";
    /** Compacted. Key: alert id. Value: {@link AlertImages} JSON (face and heat map); a tombstone once erased. */
    public static final String ALERT_IMAGES = "maskwatch.alert-images";
    /** Key: camera id (or {@link ComplianceWindow#FACILITY}). Value: {@link ComplianceWindow} JSON. */
    public static final String COMPLIANCE = "maskwatch.compliance";
    /** Key: camera id. Value: {@link Notification} JSON. */
    public static final String NOTIFICATIONS = "maskwatch.notifications";
    /** Notifications no sink could deliver after all retries. */
    public static final String NOTIFICATIONS_DLQ = "maskwatch.notifications.dlq";
    /** Compacted. Key: alert id. Value: the custodian's review (acknowledged, false alarm) JSON; a tombstone once erased. */
    public static final String ALERT_REVIEWS = "maskwatch.alert-reviews";
    /** Compacted. Key: alert id. Value: erasure marker JSON: readers never serve or export that alert again. */
    public static final String ALERT_ERASURES = "maskwatch.alert-erasures";
    /** Key: alert id. Value: audit record JSON (who viewed, acknowledged, marked or erased which alert, when). */
    public static final String AUDIT = "maskwatch.audit";

    private Topics() {
    }
}
