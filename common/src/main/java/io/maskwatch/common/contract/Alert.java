package io.maskwatch.common.contract;

import java.util.Objects;

/**
 * Value of {@code maskwatch.alerts} (key: camera id): a person confirmed without a mask, or (schema 2)
 * with the mask below the nose. One per track, plus one per cooldown period while the person stays
 * non-compliant.
 *
 * <p>Schema 3: the images travel in {@code maskwatch.alert-images} ({@link AlertImages}, key alert id,
 * compacted) so erasing an alert can remove them with a tombstone; {@code face_jpeg} and
 * {@code heatmap_jpeg} are null on the alerts topic. Records of schemas 1 and 2 still carry them
 * inline. In memory (the API's store, the topology) an alert holds its images again
 * ({@link #withImages}).
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

    /** This alert as written to the alerts topic: schema 3, images left out. */
    public Alert withoutImages() {
        return new Alert(schemaVersion, alertId, cameraId, trackId, timestampMs, status, confidence, frameCount, box,
                null, null);
    }

    /** This alert with the images of {@code images} (null: none), e.g. joined from the alert-images topic. */
    public Alert withImages(AlertImages images) {
        return new Alert(schemaVersion, alertId, cameraId, trackId, timestampMs, status, confidence, frameCount, box,
                images == null ? null : images.faceJpeg(), images == null ? null : images.heatmapJpeg());
    }

    /** True when the face or heat map is here. */
    public boolean hasImages() {
        return faceJpeg != null || heatmapJpeg != null;
    }

    /** The images of this alert as a record of {@code maskwatch.alert-images}, or null when it has none. */
    public AlertImages images() {
        return hasImages() ? new AlertImages(SchemaVersions.ALERT_IMAGES, alertId, faceJpeg, heatmapJpeg) : null;
    }
}
