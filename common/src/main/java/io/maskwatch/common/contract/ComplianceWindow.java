package io.maskwatch.common.contract;

import java.util.Objects;

/**
 * Value of {@code maskwatch.compliance}: persons with a voted status in one tumbling window.
 * Key: camera id, or {@link #FACILITY} for the whole site.
 *
 * @param incorrect  persons voted {@code incorrect} (mask below the nose; schema 2, 0 when decoding schema 1)
 * @param compliance masked / (masked + unmasked + incorrect), null when nobody had a voted status
 */
public record ComplianceWindow(
        int schemaVersion,
        String cameraId,
        long windowStartMs,
        long windowEndMs,
        long persons,
        long masked,
        long unmasked,
        long incorrect,
        long uncertain,
        Double compliance) {

    /** Key and camera id of facility-wide windows. */
    public static final String FACILITY = "_facility";

    public ComplianceWindow {
        Objects.requireNonNull(cameraId, "camera_id");
    }

    /** Compliant share of the decided persons; a mask below the nose is not compliant. */
    public static Double ratio(long masked, long unmasked, long incorrect) {
        long decided = masked + unmasked + incorrect;
        return decided == 0 ? null : (double) masked / decided;
    }
}
