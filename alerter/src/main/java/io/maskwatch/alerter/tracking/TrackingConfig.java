package io.maskwatch.alerter.tracking;

import java.util.ArrayList;
import java.util.List;

/**
 * How faces are followed across frames, and the vote keys {@code AlertPolicy} reads (kept under
 * {@code tracking.} so existing configurations stay valid).
 *
 * @param maxGapMs          a face can join a track last seen at most this long ago (capture time)
 * @param minIou            a face joins a track when the overlap with its predicted box reaches this ...
 * @param maxCentreDistance ... or when the centres are at most this many face sizes apart
 * @param endAfterMs        a track ends after this much silence in capture time
 * @param voteWindow        K: the track remembers its last K faces; the vote is their P(face)-weighted non-compliant share
 * @param minFrames         N: no status before a track has this many faces
 * @param voteThreshold     status becomes unmasked/incorrect when the vote reaches this, masked when 1 - vote reaches it
 * @param maxLatenessMs     detections older than the camera's newest by more than this are dropped as late
 * @param idleCheckMs       how often (wall clock) quiet cameras are checked for tracks to end
 * @param idleEndMs         wall-clock silence of a camera (no detections at all) that ends its tracks; longer than
 *                          end-after-ms so a stalled pipeline (broker failover, detector restart) does not end the
 *                          tracks of people still in view and alert them again when the backlog arrives
 */
public record TrackingConfig(
        long maxGapMs,
        double minIou,
        double maxCentreDistance,
        long endAfterMs,
        int voteWindow,
        int minFrames,
        double voteThreshold,
        long maxLatenessMs,
        long idleCheckMs,
        long idleEndMs) {

    public static TrackingConfig defaults() {
        return new TrackingConfig(2_000, 0.2, 1.0, 3_000, 8, 4, 0.7, 2_000, 1_000, 60_000);
    }

    /** Problems with keys relative to this section (the caller prefixes {@code tracking.}). */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (maxGapMs <= 0) {
            out.add("max-gap-ms must be > 0, got " + maxGapMs);
        }
        if (!(minIou > 0 && minIou <= 1)) {
            out.add("min-iou must be in (0, 1], got " + minIou);
        }
        if (!(maxCentreDistance >= 0)) {
            out.add("max-centre-distance must be >= 0 (in face sizes), got " + maxCentreDistance);
        }
        if (endAfterMs < maxGapMs) {
            out.add("end-after-ms must be >= max-gap-ms (" + maxGapMs + "), got " + endAfterMs);
        }
        if (voteWindow < 1 || voteWindow > 256) {
            out.add("vote-window must be 1..256 faces, got " + voteWindow);
        }
        if (minFrames < 1 || minFrames > voteWindow) {
            out.add("min-frames must be between 1 and vote-window (" + voteWindow + "), got " + minFrames);
        }
        if (!(voteThreshold > 0.5 && voteThreshold <= 1)) {
            out.add("vote-threshold must be in (0.5, 1], got " + voteThreshold);
        }
        if (maxLatenessMs < 0) {
            out.add("max-lateness-ms must be >= 0, got " + maxLatenessMs);
        }
        if (idleCheckMs < 10) {
            out.add("idle-check-ms must be >= 10, got " + idleCheckMs);
        }
        if (idleEndMs < endAfterMs) {
            out.add("idle-end-ms must be >= end-after-ms (" + endAfterMs + "), got " + idleEndMs);
        }
        return out;
    }
}
