package io.maskwatch.common.contract;

import java.util.Objects;

/**
 * Value of {@code maskwatch.alerts} (key: camera id): a person confirmed without a mask.
 * One per track, plus one per cooldown period while the person stays unmasked.
 *
 * @param alertId     stable id (camera, track and alert ordinal) so a replay cannot create a second alert
 * @param faceJpeg    best face crop of the track (may be null if the detector sent none)
 * @param heatmapJpeg heat map of that face (may be null)
 */
public record Alert(
        int schemaVersion,
        String alertId,
        String cameraId,
        String trackId,
        long timestampMs,
        double confidence,
        int frameCount,
        Box box,
        byte[] faceJpeg,
        byte[] heatmapJpeg) {

    public Alert {
        Objects.requireNonNull(alertId, "alert_id");
        Objects.requireNonNull(cameraId, "camera_id");
        Objects.requireNonNull(trackId, "track_id");
    }
}
