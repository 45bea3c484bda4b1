package io.maskwatch.alerter.alert;

import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.contract.SchemaVersions;

/**
 * When a track raises an alert: on a frame where the person is unmasked now (voted status
 * unmasked, the vote still at the threshold and this face itself classified unmasked), once, and
 * again only after the cooldown (capture time). Someone putting a mask on is therefore not
 * re-alerted while the vote catches up. Alert ids are {@code <track id>-<ordinal>}: the same detections
 * always give the same ids, so a replay cannot create a second alert.
 */
public final class AlertPolicy {
    private final long cooldownMs;

    public AlertPolicy(long cooldownMs) {
        this.cooldownMs = cooldownMs;
    }

    /**
     * @param unmaskedNow the vote is at the threshold and this frame's face is classified unmasked
     * @param alertsSoFar alerts this track has raised
     * @param lastAlertMs capture time of the last one (ignored when none)
     */
    public boolean due(PersonStatus status, boolean unmaskedNow, int alertsSoFar, long lastAlertMs, long nowMs) {
        return status == PersonStatus.UNMASKED && unmaskedNow
                && (alertsSoFar == 0 || nowMs - lastAlertMs >= cooldownMs);
    }

    public static String alertId(String trackId, int ordinal) {
        return trackId + "-" + ordinal;
    }

    /** @param box the box of the snapshot face */
    public Alert build(String cameraId, String trackId, int ordinal, long timestampMs, double confidence,
                       int frameCount, Box box, byte[] faceJpeg, byte[] heatmapJpeg) {
        return new Alert(SchemaVersions.ALERT, alertId(trackId, ordinal), cameraId, trackId, timestampMs, confidence,
                frameCount, box, faceJpeg, heatmapJpeg);
    }
}
