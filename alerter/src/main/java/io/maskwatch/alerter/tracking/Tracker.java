package io.maskwatch.alerter.tracking;

import io.maskwatch.alerter.alert.AlertPolicy;
import io.maskwatch.alerter.compliance.ComplianceDelta;
import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.Face;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.common.contract.PersonEvent;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.contract.SchemaVersions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Follows faces of one camera across frames and votes their mask status. Pure logic: state in,
 * state and outputs out, no Kafka, so every rule is testable on its own and replays are deterministic.
 *
 * <p>Rules (docs/ALERTER.md): a face joins the live track (seen within max-gap) whose predicted
 * box it overlaps (IoU) or whose predicted centre is near (in face sizes), best pair first; other
 * faces start tracks. A track's vote is the mean P(unmasked) of its last K faces; with at least N
 * faces the status becomes unmasked at vote >= threshold and masked at 1 - vote >= threshold, and
 * otherwise keeps its last value (hysteresis, so flicker changes nothing).
 */
public final class Tracker {
    /** Safety cap: a crowd bigger than this in one view is not tracked face by face. */
    static final int MAX_TRACKS = 256;
    /** Capture times remembered per camera to recognise a re-sent detection. */
    static final int RECENT = 64;

    public enum Drop { DUPLICATE, LATE }

    /** Result of one step. {@code drop} is set when the detection was ignored. */
    public record Step(CameraState state, List<TrackingOutput> outputs, Drop drop, int endedTracks) {
    }

    private final TrackingConfig cfg;
    private final AlertPolicy alerts;
    private final long windowMs;

    public Tracker(TrackingConfig cfg, AlertPolicy alerts, long complianceWindowMs) {
        this.cfg = cfg;
        this.alerts = alerts;
        this.windowMs = complianceWindowMs;
    }

    /**
     * @param state   the camera's state, null for a camera seen for the first time
     * @param wallNow wall-clock time of processing
     */
    public Step onDetection(CameraState state, DetectionEvent ev, long wallNow, TrackImages images) {
        String camera = ev.cameraId();
        if (state == null) {
            state = CameraState.empty(camera);
        }
        long ts = ev.captureTimestampMs();
        if (state.recentMs().contains(ts)) {
            return new Step(state, List.of(), Drop.DUPLICATE, 0);
        }
        boolean started = state.latestMs() != Long.MIN_VALUE;
        if (started && ts < state.latestMs() - cfg.maxLatenessMs()) {
            return new Step(state, List.of(), Drop.LATE, 0);
        }
        boolean outOfOrder = started && ts < state.latestMs();
        long latest = started ? Math.max(state.latestMs(), ts) : ts;

        List<TrackingOutput> out = new ArrayList<>();
        List<Track> tracks = new ArrayList<>(state.tracks());
        List<Face> faces = ev.faces();
        boolean[] faceUsed = new boolean[faces.size()];
        boolean[] trackUsed = new boolean[tracks.size()];

        for (Pair p : candidatePairs(tracks, faces, ts)) {
            if (trackUsed[p.track] || faceUsed[p.face]) {
                continue;
            }
            trackUsed[p.track] = true;
            faceUsed[p.face] = true;
            tracks.set(p.track, observe(tracks.get(p.track), faces.get(p.face), ts, camera, out, images));
        }
        // A face in an out-of-order frame only adds to existing tracks: it must not start a person in the past.
        if (!outOfOrder) {
            int n = 0;
            for (int j = 0; j < faces.size() && tracks.size() < MAX_TRACKS; j++) {
                if (!faceUsed[j]) {
                    Track t = newTrack(camera + "-" + ts + "-" + n++, faces.get(j), ts, images);
                    out.add(new TrackingOutput.Person(personEvent(camera, t, PersonEvent.Type.STARTED, ts)));
                    tracks.add(observeStatus(t, unmaskedProbability(faces.get(j)), ts, camera, out, images));
                }
            }
        }
        int ended = 0;
        List<Track> alive = new ArrayList<>();
        for (Track t : tracks) {
            if (latest - t.lastSeenMs() > cfg.endAfterMs()) {
                end(camera, t, latest, out, images);
                ended++;
            } else {
                alive.add(t);
            }
        }
        List<Long> recent = new ArrayList<>(state.recentMs());
        recent.add(ts);
        while (recent.size() > RECENT) {
            recent.remove(0);
        }
        return new Step(new CameraState(camera, latest, wallNow, alive, recent), out, null, ended);
    }

    /**
     * Ends every track of a camera that has been quiet (no detection at all) for end-after-ms of
     * wall-clock time, counted from {@code notBeforeWall} at the earliest (the task's start, so a
     * restarted alerter first catches up on the backlog).
     */
    public Step onIdle(CameraState state, long wallNow, long notBeforeWall, TrackImages images) {
        long quietSince = Math.max(state.lastArrivalWallMs(), notBeforeWall);
        if (state.tracks().isEmpty() || wallNow - quietSince < cfg.endAfterMs()) {
            return new Step(state, List.of(), null, 0);
        }
        List<TrackingOutput> out = new ArrayList<>();
        for (Track t : state.tracks()) {
            end(state.cameraId(), t, t.lastSeenMs() + cfg.endAfterMs(), out, images);
        }
        return new Step(new CameraState(state.cameraId(), state.latestMs(), state.lastArrivalWallMs(), List.of(),
                state.recentMs()), out, null, state.tracks().size());
    }

    private record Pair(int track, int face, double score) {
    }

    private List<Pair> candidatePairs(List<Track> tracks, List<Face> faces, long ts) {
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < tracks.size(); i++) {
            Track t = tracks.get(i);
            if (Math.abs(ts - t.lastSeenMs()) > cfg.maxGapMs()) {
                continue;
            }
            Box predicted = t.predictedAt(ts);
            for (int j = 0; j < faces.size(); j++) {
                Box b = faces.get(j).box();
                double iou = predicted.iou(b);
                double size = (predicted.width() + predicted.height() + b.width() + b.height()) / 4;
                double dist = Math.hypot(predicted.centerX() - b.centerX(), predicted.centerY() - b.centerY())
                        / Math.max(size, 1e-6);
                if (iou >= cfg.minIou() || dist <= cfg.maxCentreDistance()) {
                    double closeness = cfg.maxCentreDistance() > 0 ? Math.max(0, 1 - dist / cfg.maxCentreDistance()) : 0;
                    pairs.add(new Pair(i, j, iou + closeness));
                }
            }
        }
        // Best pairs first; ties broken by position so the result never depends on hash order.
        pairs.sort(Comparator.comparingDouble(Pair::score).reversed()
                .thenComparingInt(Pair::track).thenComparingInt(Pair::face));
        return pairs;
    }

    private static double unmaskedProbability(Face f) {
        // "incorrect" (mask below the nose) does not protect: it counts as unmasked.
        return Math.min(1, f.probability(FaceLabel.NO_MASK) + f.probability(FaceLabel.INCORRECT));
    }

    private Track newTrack(String id, Face f, long ts, TrackImages images) {
        double p = unmaskedProbability(f);
        BestFace best = new BestFace(BestFace.scoreOf(p, f.box()), ts, f.box(), p, f.cropJpeg() != null);
        if (best.hasCrop()) {
            images.put(id, new TrackImages.Images(f.cropJpeg(), f.heatmapJpeg()));
        }
        return new Track(id, ts, ts, 1, f.box(), 0, 0, List.of(p), PersonStatus.UNCERTAIN, 0, 0, -1, best, null);
    }

    private Track observe(Track t, Face f, long ts, String camera, List<TrackingOutput> out, TrackImages images) {
        double p = unmaskedProbability(f);
        List<Double> votes = Track.appendVote(t.votes(), p, cfg.voteWindow());
        BestFace cand = new BestFace(BestFace.scoreOf(p, f.box()), ts, f.box(), p, f.cropJpeg() != null);
        BestFace best = t.best();
        if (BestFace.better(cand, best)) {
            best = cand;
            if (cand.hasCrop()) {
                images.put(t.id(), new TrackImages.Images(f.cropJpeg(), f.heatmapJpeg()));
            }
        }
        Track next;
        if (ts > t.lastSeenMs()) {
            long dt = ts - t.lastSeenMs();
            double ivx = (f.box().centerX() - t.box().centerX()) / dt;
            double ivy = (f.box().centerY() - t.box().centerY()) / dt;
            boolean first = t.frameCount() == 1;
            double vx = first ? ivx : 0.5 * t.vx() + 0.5 * ivx;
            double vy = first ? ivy : 0.5 * t.vy() + 0.5 * ivy;
            next = t.with(t.frameCount() + 1, ts, f.box(), vx, vy, votes, best);
        } else {
            // Out-of-order face: its vote counts, but it does not move the track back in time.
            next = t.with(t.frameCount() + 1, t.lastSeenMs(), t.box(), t.vx(), t.vy(), votes, best);
        }
        return observeStatus(next, p, ts, camera, out, images);
    }

    /** Re-votes the status and applies what follows from it: confirmation, compliance counts, alerts. */
    private Track observeStatus(Track t, double faceP, long ts, String camera, List<TrackingOutput> out,
                                TrackImages images) {
        double vote = t.vote();
        PersonStatus status = t.status();
        if (t.frameCount() >= cfg.minFrames()) {
            if (vote >= cfg.voteThreshold()) {
                status = PersonStatus.UNMASKED;
            } else if (1 - vote >= cfg.voteThreshold()) {
                status = PersonStatus.MASKED;
            }
        }
        double confidence = switch (status) {
            case UNMASKED -> vote;
            case MASKED -> 1 - vote;
            case UNCERTAIN -> Math.max(vote, 1 - vote);
        };
        PersonStatus before = t.status();
        t = t.withStatus(status, confidence);
        if (status != before) {
            out.add(new TrackingOutput.Person(personEvent(camera, t, PersonEvent.Type.CONFIRMED, ts)));
            t = count(camera, t, ts, out);
        }
        boolean unmaskedNow = vote >= cfg.voteThreshold() && faceP >= 0.5;
        if (alerts.due(t.status(), unmaskedNow, t.alerts(), t.lastAlertMs(), ts)) {
            TrackImages.Images img = t.best() != null && t.best().hasCrop() ? images.get(t.id()) : null;
            out.add(new TrackingOutput.AlertRaised(alerts.build(camera, t.id(), t.alerts() + 1, ts, confidence,
                    t.frameCount(), t.best() != null ? t.best().box() : t.box(),
                    img == null ? null : img.cropJpeg(), img == null ? null : img.heatmapJpeg())));
            t = t.withAlert(ts);
        }
        return t;
    }

    /** First voted status: +1 person in this window. A later change moves the person within that window. */
    private Track count(String camera, Track t, long ts, List<TrackingOutput> out) {
        Contribution c = t.counted();
        if (c == null) {
            long start = windowStart(ts);
            out.add(new TrackingOutput.Counts(delta(camera, start, 1, t.status(), +1, null, ts)));
            return t.withCounted(new Contribution(start, t.status()));
        }
        if (c.status() != t.status()) {
            out.add(new TrackingOutput.Counts(delta(camera, c.windowStartMs(), 0, t.status(), +1, c.status(), ts)));
            return t.withCounted(new Contribution(c.windowStartMs(), t.status()));
        }
        return t;
    }

    private void end(String camera, Track t, long eventTs, List<TrackingOutput> out, TrackImages images) {
        if (t.best() != null && t.best().hasCrop()) {
            images.remove(t.id());
        }
        // A track that never reached min-frames is noise (a detector blip), not a person.
        if (t.counted() == null && t.frameCount() >= cfg.minFrames()) {
            long start = windowStart(t.lastSeenMs());
            out.add(new TrackingOutput.Counts(delta(camera, start, 1, PersonStatus.UNCERTAIN, +1, null, eventTs)));
        }
        out.add(new TrackingOutput.Person(personEvent(camera, t, PersonEvent.Type.ENDED, eventTs)));
    }

    /** Whether an ended track counts as a person (see {@link #end}). */
    public boolean countsAsPerson(PersonEvent ended) {
        return ended.status() != PersonStatus.UNCERTAIN || ended.frameCount() >= cfg.minFrames();
    }

    private long windowStart(long ts) {
        return ts - Math.floorMod(ts, windowMs);
    }

    private static ComplianceDelta delta(String camera, long windowStart, int persons, PersonStatus add, int sign,
                                         PersonStatus remove, long eventTs) {
        long m = 0;
        long u = 0;
        long q = 0;
        switch (add) {
            case MASKED -> m += sign;
            case UNMASKED -> u += sign;
            case UNCERTAIN -> q += sign;
        }
        if (remove != null) {
            switch (remove) {
                case MASKED -> m -= 1;
                case UNMASKED -> u -= 1;
                case UNCERTAIN -> q -= 1;
            }
        }
        return new ComplianceDelta(camera, windowStart, persons, m, u, q, eventTs);
    }

    private static PersonEvent personEvent(String camera, Track t, PersonEvent.Type type, long eventTs) {
        return new PersonEvent(SchemaVersions.PERSON, camera, t.id(), type, t.status(), t.startedMs(), t.lastSeenMs(),
                eventTs, t.frameCount(), t.confidence());
    }
}
