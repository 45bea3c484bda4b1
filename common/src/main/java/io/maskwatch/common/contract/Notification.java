package io.maskwatch.common.contract;

import java.util.List;
import java.util.Objects;

/**
 * Value of {@code maskwatch.notifications} (key: camera id): alerts of one camera grouped into
 * one human message, e.g. "3 people without a mask at Entrance A in the last 60 s".
 */
public record Notification(
        int schemaVersion,
        String notificationId,
        String cameraId,
        String cameraName,
        long windowStartMs,
        long windowEndMs,
        List<String> alertIds,
        String message,
        List<String> snapshotUrls) {

    public Notification {
        Objects.requireNonNull(notificationId, "notification_id");
        Objects.requireNonNull(cameraId, "camera_id");
        alertIds = List.copyOf(Objects.requireNonNull(alertIds, "alert_ids"));
        snapshotUrls = snapshotUrls == null ? List.of() : List.copyOf(snapshotUrls);
    }
}
