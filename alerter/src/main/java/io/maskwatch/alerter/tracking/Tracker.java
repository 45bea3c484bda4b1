package io.maskwatch.alerter.tracking;

import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.Face;
import io.maskwatch.common.contract.PersonStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Follows faces of one camera across frames: which face belongs to which person. It decides
 * nothing about masks (that is {@link io.maskwatch.alerter.alert.AlertPolicy}); it remembers the
 * evidence of each track's last K faces, its best snapshot, and starts and ends tracks. Pure logic,
 * no Kafka, so replays are deterministic.
 *
 * <p>Rules (docs/ALERTER.md): a face joins the live track (seen within max-gap) whose predicted
 * box it overlaps (IoU) or whose predicted centre is near (in face sizes), best pair first; other
 * faces start tracks, except in an out-of-order frame. A track ends after end-after-ms of silence.
 */
public final class Tracker {
    /** Safety cap: a crowd bigger than this in one view is not tracked face by face. */
    static final int MAX_TRACKS = 256;
    /** Capture times remembered per camera to recognise a re-sent detection. */
    static final int RECENT = 64;

    public enum Drop { DUPLICATE, LATE }

    /** A face added to a track; {@code started} when the face opened the track. */
    public record Observation(String trackId, Face face, FaceEvidence evidence, boolean started) {
    }

    /**
     * Result of one step. {@code drop} is set when the detection was ignored. {@code observations} are in
     * processing order (existing tracks best pair first, then new tracks); {@code ended} tracks are no
     * longer in the state (their images are still in {@link TrackImages}: the caller removes them).
     */
    public record Association(CameraState state, List<Observation> observations, List<Track> ended, Drop drop) {
        static Association dropped(CameraState s, Drop d) {
            return new Association(s, List.of(), List.of(), d);
        }
    }

    private final TrackingConfig cfg;

    public Tracker(TrackingConfig cfg) {
        this.cfg = cfg;
    }

    public TrackingConfig config() {
        return cfg;
    }

    /**
     * @param state   the camera's state, null for a camera seen for the first time
     * @param wallNow wall-clock time of processing
     */
    public Association onDetection(CameraState state, DetectionEvent ev, long wallNow, TrackImages images) {
        String camera = ev.cameraId();
        if (state == null) {
            state = CameraState.empty(camera);
        }
        long ts = ev.captureTimestampMs();
        if (state.recentMs().contains(ts)) {
            return Association.dropped(state, Drop.DUPLICATE);
        }
        boolean started = state.latestMs() != Long.MIN_VALUE;
        if (started && ts < state.latestMs() - cfg.maxLatenessMs()) {
            return Association.dropped(state, Drop.LATE);
        }
        boolean outOfOrder = started && ts < state.latestMs();
        long latest = started ? Math.max(state.latestMs(), ts) : ts;

        List<Observation> observed = new ArrayList<>();
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
            Face f = faces.get(p.face);
            FaceEvidence e = FaceEvidence.of(f);
            tracks.set(p.track, observe(tracks.get(p.track), f, e, ts, images));
            observed.add(new Observation(tracks.get(p.track).id(), f, e, false));
        }
        // A face in an out-of-order frame only adds to existing tracks: it must not start a person in the past.
        if (!outOfOrder) {
            int n = 0;
            for (int j = 0; j < faces.size() && tracks.size() < MAX_TRACKS; j++) {
                if (!faceUsed[j]) {
                    Face f = faces.get(j);
                    FaceEvidence e = FaceEvidence.of(f);
                    Track t = newTrack(camera + "-" + ts + "-" + n++, f, e, ts, images);
                    tracks.add(t);
                    observed.add(new Observation(t.id(), f, e, true));
                }
            }
        }
        List<Track> ended = new ArrayList<>();
        List<Track> alive = new ArrayList<>();
        for (Track t : tracks) {
            if (latest - t.lastSeenMs() > cfg.endAfterMs()) {
                ended.add(t);
            } else {
                alive.add(t);
            }
        }
        List<Long> recent = new ArrayList<>(state.recentMs());
        recent.add(ts);
        while (recent.size() > RECENT) {
            recent.remove(0);
        }
        return new Association(new CameraState(camera, latest, wallNow, alive, recent), observed, ended, null);
    }

    /**
     * Ends every track of a camera that has been quiet (no detection at all) for idle-end-ms of
     * wall-clock time, counted from {@code notBeforeWall} at the earliest (the task's start, so a
     * restarted alerter first catches up on the backlog).
     */
    public Association onIdle(CameraState state, long wallNow, long notBeforeWall) {
        long quietSince = Math.max(state.lastArrivalWallMs(), notBeforeWall);
        if (state.tracks().isEmpty() || wallNow - quietSince < cfg.idleEndMs()) {
            return new Association(state, List.of(), List.of(), null);
        }
        return new Association(new CameraState(state.cameraId(), state.latestMs(), state.lastArrivalWallMs(), List.of(),
                state.recentMs()), List.of(), state.tracks(), null);
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

    private static BestFace bestCandidate(Face f, FaceEvidence e, long ts) {
        // The joint score: a clear face that is clearly unmasked makes the best snapshot.
        return new BestFace(BestFace.scoreOf(e.nonCompliant(), f.box()), ts, f.box(), e.nonCompliant(),
                f.cropJpeg() != null);
    }

    private Track newTrack(String id, Face f, FaceEvidence e, long ts, TrackImages images) {
        BestFace best = bestCandidate(f, e, ts);
        if (best.hasCrop()) {
            images.put(id, new TrackImages.Images(f.cropJpeg(), f.heatmapJpeg()));
        }
        return new Track(id, ts, ts, 1, f.box(), 0, 0, List.of(e),
                PersonStatus.UNCERTAIN, 0, 0, -1, best, null);
    }

    private Track observe(Track t, Face f, FaceEvidence e, long ts, TrackImages images) {
        List<FaceEvidence> votes = Track.appendVote(t.votes(), e, cfg.voteWindow());
        BestFace cand = bestCandidate(f, e, ts);
        BestFace best = t.best();
        if (BestFace.better(cand, best)) {
            best = cand;
            if (cand.hasCrop()) {
                images.put(t.id(), new TrackImages.Images(f.cropJpeg(), f.heatmapJpeg()));
            }
        }
        if (ts > t.lastSeenMs()) {
            long dt = ts - t.lastSeenMs();
            double ivx = (f.box().centerX() - t.box().centerX()) / dt;
            double ivy = (f.box().centerY() - t.box().centerY()) / dt;
            boolean first = t.frameCount() == 1;
            double vx = first ? ivx : 0.5 * t.vx() + 0.5 * ivx;
            double vy = first ? ivy : 0.5 * t.vy() + 0.5 * ivy;
            return t.with(t.frameCount() + 1, ts, f.box(), vx, vy, votes, best);
        }
        // Out-of-order face: its evidence counts, but it does not move the track back in time.
        return t.with(t.frameCount() + 1, t.lastSeenMs(), t.box(), t.vx(), t.vy(), votes, best);
    }
}
