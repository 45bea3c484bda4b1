package io.maskwatch.common.contract;

import java.util.List;
import java.util.Objects;

/**
 * Value of {@code maskwatch.notifications} (key: camera id): alerts of one camera grouped into
 * one human message, e.g. "3 people without a mask at Entrance A in the last 60 s", or
 * "1 person without a mask and 1 person with the mask below the nose at Entrance A in the last 60 s".
 *
 * @param alertStatuses status of each alert in {@code alertIds}, same order ({@code unmasked} or
 *                      {@code incorrect}; schema 2, all {@code unmasked} when decoding schema 1)
 */
public record Notification(
        int schemaVersion,
        String notificationId,
        String cameraId,
        String cameraName,
        long windowStartMs,
        long windowEndMs,
        List<String> alertIds,
        List<PersonStatus> alertStatuses,
        String message,
        List<String> snapshotUrls) {

    public Notification {
        Objects.requireNonNull(notificationId, "notification_id");
        Objects.requireNonNull(cameraId, "camera_id");
        alertIds = List.copyOf(Objects.requireNonNull(alertIds, "alert_ids"));
        alertStatuses = List.copyOf(Objects.requireNonNull(alertStatuses, "alert_statuses"));
        if (alertStatuses.size() != alertIds.size()) {
            throw new IllegalArgumentException("alert_statuses must have one status per alert id ("
                    + alertIds.size() + "), got " + alertStatuses.size());
        }
        snapshotUrls = snapshotUrls == null ? List.of() : List.copyOf(snapshotUrls);
    }
}
