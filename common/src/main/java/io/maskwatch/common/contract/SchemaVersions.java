package io.maskwatch.common.contract;

/**
 * Current schema versions of the event contracts; bump on incompatible change (see docs/ARCHITECTURE.md).
 * Consumers decode every older version (the serdes in {@code common/serde} upgrade old JSON to the
 * current records) and reject newer ones.
 *
 * <p>Version 2 of detections, persons, alerts, compliance and notifications: the third label
 * {@code incorrect} (mask below the nose), {@code Face.score} is the joint P(face) x P(label | face),
 * person status {@code incorrect}, {@code Alert.status}, {@code ComplianceWindow.incorrect},
 * {@code Notification.alert_statuses}.
 *
 * <p>Alerts version 3: the face and heat map moved to {@code maskwatch.alert-images} ({@link AlertImages}).
 */
public final class SchemaVersions {
    public static final int FRAME = 1;
    public static final int DETECTION = 2;
    public static final int PERSON = 2;
    public static final int ALERT = 3;
    public static final int ALERT_IMAGES = 1;
    public static final int COMPLIANCE = 2;
    public static final int NOTIFICATION = 2;

    private SchemaVersions() {
    }
}
