package io.maskwatch.common.contract;

import java.util.Objects;

/**
 * Value of {@code maskwatch.alert-images} (key: alert id; compacted): the face and heat map of one
 * alert, apart from the alert itself so erasure can drop them with a tombstone (docs/PRIVACY.md).
 * JSON; the JPEGs are base64 strings.
 *
 * @param faceJpeg    best face crop of the track (may be null)
 * @param heatmapJpeg heat map of that face (may be null)
 */
public record AlertImages(int schemaVersion, String alertId, byte[] faceJpeg, byte[] heatmapJpeg) {
    public AlertImages {
        Objects.requireNonNull(alertId, "alert_id");
    }
}
