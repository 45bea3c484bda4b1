package io.maskwatch.common.contract;

import java.util.Objects;

/**
 * Value of {@code maskwatch.alerts} (key: camera id): a person confirmed without a mask, or (schema 2)
 * with the mask below the nose. One per track, plus one per cooldown period while the person stays
 * non-compliant.
 *
 * @param status      {@code unmasked} or {@code incorrect} (mask below the nose), whichever has more of
 *                    the track's non-compliant evidence; schema 1 alerts decode as {@code unmasked}
 * @param confidence  vote share of non-compliance (no mask + incorrect) over the track's recent faces
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
        PersonStatus status,
        double confidence,
        int frameCount,
        Box box,
        byte[] faceJpeg,
        byte[] heatmapJpeg) {

    public Alert {
        Objects.requireNonNull(alertId, "alert_id");
        Objects.requireNonNull(cameraId, "camera_id");
        Objects.requireNonNull(trackId, "track_id");
        Objects.requireNonNull(status, "status");
        if (!status.nonCompliant()) {
            throw new IllegalArgumentException("alert status must be unmasked or incorrect, got " + status.wireName());
        }
    }
}
