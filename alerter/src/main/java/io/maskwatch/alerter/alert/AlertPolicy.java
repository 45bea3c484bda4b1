package io.maskwatch.alerter.alert;

import io.maskwatch.alerter.tracking.FaceEvidence;
import io.maskwatch.alerter.tracking.TrackingConfig;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.contract.SchemaVersions;
import java.util.List;

/**
 * Who decides an alert: this class, alone. It owns the vote over a track's recent faces, its
 * thresholds, what a mask below the nose counts as, and the cooldown; the tracker only says which
 * face belongs to which person.
 *
 * <p><b>Vote.</b> Each face brings joint evidence (P(face), P(face and no mask), P(face and mask
 * below the nose)). The vote is the non-compliant share of the track's last K faces:
 * sum(non-compliant) / sum(P(face)), i.e. the mean P(non-compliant | face) weighted by how surely each
 * detection is a face. Dividing by P(face) keeps the thresholds meaningful now that scores are joint
 * (lower than the conditional ones): a vague detection weighs less instead of pulling the vote down.
 * With at least N faces the status becomes non-compliant at vote >= threshold, masked at
 * 1 - vote >= threshold, otherwise it keeps its last value (hysteresis). Non-compliant is
 * {@code incorrect} when the track has more mask-below-nose than no-mask evidence, else {@code unmasked}.
 * With {@code incorrect-counts-as: mask}, mask-below-nose evidence counts on the masked side instead.
 *
 * <p><b>Alert.</b> On a frame where the status is non-compliant, the vote is still at the threshold
 * and this face is itself non-compliant (more likely than masked, and joint score at least
 * min-alert-score): once, and again only after the cooldown (capture time). Someone putting a mask
 * on is therefore not re-alerted while the vote catches up. Alert ids are
 * {@code <track id>-<ordinal>}: the same detections always give the same ids.
 */
public final class AlertPolicy {
    /** Outcome of a vote: status, its vote share, and the non-compliant share the thresholds apply to. */
    public record Verdict(PersonStatus status, double confidence, double nonCompliantShare) {
    }

    private final int minFrames;
    private final double voteThreshold;
    private final AlertConfig alerts;

    public AlertPolicy(int minFrames, double voteThreshold, AlertConfig alerts) {
        this.minFrames = minFrames;
        this.voteThreshold = voteThreshold;
        this.alerts = alerts;
    }

    /** The policy of a configured alerter: vote keys from {@code tracking}, the rest from {@code alerts}. */
    public static AlertPolicy of(TrackingConfig tracking, AlertConfig alerts) {
        return new AlertPolicy(tracking.minFrames(), tracking.voteThreshold(), alerts);
    }

    /** Evidence of one face against a proper mask, under the incorrect-mask policy (joint). */
    private double against(FaceEvidence e) {
        return alerts.incorrectIsNonCompliant() ? e.nonCompliant() : Math.min(e.face(), e.noMask());
    }

    /**
     * @param votes     evidence of the track's last K faces
     * @param frames    faces the track has had in total
     * @param previous  the status so far (kept when the vote is between the thresholds)
     */
    public Verdict vote(List<FaceEvidence> votes, int frames, PersonStatus previous) {
        double face = 0;
        double noMask = 0;
        double incorrect = 0;
        double bad = 0;
        for (FaceEvidence e : votes) {
            face += e.face();
            noMask += e.noMask();
            incorrect += e.incorrect();
            bad += against(e);
        }
        // No face evidence at all (every face score 0): nothing to decide on.
        double share = face > 0 ? bad / face : Double.NaN;
        PersonStatus status = previous;
        if (frames >= minFrames && !Double.isNaN(share)) {
            if (share >= voteThreshold) {
                status = PersonStatus.UNMASKED;
            } else if (1 - share >= voteThreshold) {
                status = PersonStatus.MASKED;
            }
        }
        if (status.nonCompliant()) {
            // Which kind, by majority of the evidence; a tie stays "no mask", the stronger claim.
            status = alerts.incorrectIsNonCompliant() && incorrect > noMask ? PersonStatus.INCORRECT : PersonStatus.UNMASKED;
        }
        double s = Double.isNaN(share) ? 0.5 : share;
        double confidence = switch (status) {
            case UNMASKED, INCORRECT -> s;
            case MASKED -> 1 - s;
            case UNCERTAIN -> Math.max(s, 1 - s);
        };
        return new Verdict(status, confidence, Double.isNaN(share) ? 0 : share);
    }

    /** This face on its own shows someone not wearing a mask properly, clearly enough to alert on. */
    public boolean nonCompliantNow(FaceEvidence face) {
        double against = against(face);
        return face.face() > 0 && against / face.face() >= 0.5 && against >= alerts.minAlertScore();
    }

    /**
     * @param verdict     the vote after this frame
     * @param face        this frame's face of the track
     * @param alertsSoFar alerts this track has raised
     * @param lastAlertMs capture time of the last one (ignored when none)
     */
    public boolean due(Verdict verdict, FaceEvidence face, int alertsSoFar, long lastAlertMs, long nowMs) {
        return verdict.status().nonCompliant() && verdict.nonCompliantShare() >= voteThreshold && nonCompliantNow(face)
                && (alertsSoFar == 0 || nowMs - lastAlertMs >= alerts.cooldownMs());
    }

    public static String alertId(String trackId, int ordinal) {
        return trackId + "-" + ordinal;
    }

    /** @param box the box of the snapshot face */
    public Alert build(String cameraId, String trackId, int ordinal, long timestampMs, Verdict verdict,
                       int frameCount, Box box, byte[] faceJpeg, byte[] heatmapJpeg) {
        return new Alert(SchemaVersions.ALERT, alertId(trackId, ordinal), cameraId, trackId, timestampMs,
                verdict.status(), verdict.confidence(), frameCount, box, faceJpeg, heatmapJpeg);
    }
}
