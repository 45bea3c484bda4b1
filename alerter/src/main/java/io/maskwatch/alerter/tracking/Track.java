package io.maskwatch.alerter.tracking;

import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.PersonStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * One followed person (state, kept in the {@code tracks} store).
 *
 * @param box         last observed face box
 * @param vx          smoothed centre velocity, pixels per ms (for predicting where the face is next)
 * @param votes       evidence of the last K faces, oldest first (what {@code AlertPolicy} votes on)
 * @param status      voted status, set by {@code AlertPolicy}
 * @param alerts      alerts raised for this track so far (the next alert's ordinal is alerts + 1)
 * @param lastAlertMs capture time of the last alert, or -1
 * @param counted     compliance contribution, null until the status is first voted
 */
public record Track(
        String id,
        long startedMs,
        long lastSeenMs,
        int frameCount,
        Box box,
        double vx,
        double vy,
        List<FaceEvidence> votes,
        PersonStatus status,
        double confidence,
        int alerts,
        long lastAlertMs,
        BestFace best,
        Contribution counted) {

    public Track {
        votes = List.copyOf(votes);
    }

    /** Box where the face should be at {@code ts}, moving at the track's velocity. */
    Box predictedAt(long ts) {
        long dt = ts - lastSeenMs;
        double dx = vx * dt;
        double dy = vy * dt;
        return new Box(box.x1() + dx, box.y1() + dy, box.x2() + dx, box.y2() + dy);
    }

    static List<FaceEvidence> appendVote(List<FaceEvidence> votes, FaceEvidence v, int window) {
        List<FaceEvidence> out = new ArrayList<>(votes.size() + 1);
        out.addAll(votes);
        out.add(v);
        while (out.size() > window) {
            out.remove(0);
        }
        return out;
    }

    Track with(int frames, long lastSeen, Box b, double nvx, double nvy, List<FaceEvidence> v, BestFace bf) {
        return new Track(id, startedMs, lastSeen, frames, b, nvx, nvy, v, status, confidence, alerts, lastAlertMs, bf, counted);
    }

    public Track withStatus(PersonStatus s, double conf) {
        return new Track(id, startedMs, lastSeenMs, frameCount, box, vx, vy, votes, s, conf, alerts, lastAlertMs, best, counted);
    }

    public Track withAlert(long ts) {
        return new Track(id, startedMs, lastSeenMs, frameCount, box, vx, vy, votes, status, confidence, alerts + 1, ts, best, counted);
    }

    public Track withCounted(Contribution c) {
        return new Track(id, startedMs, lastSeenMs, frameCount, box, vx, vy, votes, status, confidence, alerts, lastAlertMs, best, c);
    }
}
