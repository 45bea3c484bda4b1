package io.maskwatch.alerter.tracking;

import io.maskwatch.alerter.alert.AlertPolicy;
import io.maskwatch.alerter.compliance.ComplianceDelta;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.PersonEvent;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.contract.SchemaVersions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One detection's consequences for the people of a camera: the {@link Tracker} says which face is
 * whose, the {@link AlertPolicy} decides each person's status and alerts, and this class turns both
 * into person events, compliance count changes and alerts. Pure logic (state in, state and outputs out).
 */
public final class Persons {
    /**
     * Result of one step. {@code drop} is set when the detection was ignored; {@code observations} say
     * which track each face of the detection joined.
     */
    public record Step(CameraState state, List<TrackingOutput> outputs, Tracker.Drop drop, int endedTracks,
                       List<Tracker.Observation> observations) {
    }

    private final Tracker tracker;
    private final AlertPolicy policy;
    private final long windowMs;

    public Persons(Tracker tracker, AlertPolicy policy, long complianceWindowMs) {
        this.tracker = tracker;
        this.policy = policy;
        this.windowMs = complianceWindowMs;
    }

    /** @see Tracker#onDetection */
    public Step onDetection(CameraState state, DetectionEvent ev, long wallNow, TrackImages images) {
        Tracker.Association a = tracker.onDetection(state, ev, wallNow, images);
        if (a.drop() != null) {
            return new Step(a.state(), List.of(), a.drop(), 0, List.of());
        }
        String camera = ev.cameraId();
        long ts = ev.captureTimestampMs();
        Map<String, Track> byId = new LinkedHashMap<>();
        a.state().tracks().forEach(t -> byId.put(t.id(), t));
        a.ended().forEach(t -> byId.put(t.id(), t));
        List<TrackingOutput> out = new ArrayList<>();
        for (Tracker.Observation o : a.observations()) {
            Track t = byId.get(o.trackId());
            if (o.started()) {
                out.add(new TrackingOutput.Person(personEvent(camera, t, PersonEvent.Type.STARTED, ts)));
            }
            byId.put(t.id(), decide(t, o.evidence(), ts, camera, out, images));
        }
        List<Track> alive = new ArrayList<>();
        for (Track t : a.state().tracks()) {
            alive.add(byId.get(t.id()));
        }
        long latest = a.state().latestMs();
        for (Track t : a.ended()) {
            end(camera, byId.get(t.id()), latest, out, images);
        }
        CameraState s = a.state();
        return new Step(new CameraState(s.cameraId(), s.latestMs(), s.lastArrivalWallMs(), alive, s.recentMs()), out,
                null, a.ended().size(), a.observations());
    }

    /** @see Tracker#onIdle */
    public Step onIdle(CameraState state, long wallNow, long notBeforeWall, TrackImages images) {
        Tracker.Association a = tracker.onIdle(state, wallNow, notBeforeWall);
        List<TrackingOutput> out = new ArrayList<>();
        for (Track t : a.ended()) {
            end(state.cameraId(), t, t.lastSeenMs() + tracker.config().endAfterMs(), out, images);
        }
        return new Step(a.state(), out, null, a.ended().size(), List.of());
    }

    /** Re-votes the status and applies what follows from it: confirmation, compliance counts, alerts. */
    private Track decide(Track t, FaceEvidence face, long ts, String camera, List<TrackingOutput> out,
                         TrackImages images) {
        AlertPolicy.Verdict v = policy.vote(t.votes(), t.frameCount(), t.status());
        PersonStatus before = t.status();
        t = t.withStatus(v.status(), v.confidence());
        if (v.status() != before) {
            out.add(new TrackingOutput.Person(personEvent(camera, t, PersonEvent.Type.CONFIRMED, ts)));
            t = count(camera, t, ts, out);
        }
        if (policy.due(v, face, t.alerts(), t.lastAlertMs(), ts)) {
            TrackImages.Images img = t.best() != null && t.best().hasCrop() ? images.get(t.id()) : null;
            out.add(new TrackingOutput.AlertRaised(policy.build(camera, t.id(), t.alerts() + 1, ts, v,
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
            out.add(new TrackingOutput.Counts(ComplianceDelta.of(camera, start, 1, t.status(), null, ts)));
            return t.withCounted(new Contribution(start, t.status()));
        }
        if (c.status() != t.status()) {
            out.add(new TrackingOutput.Counts(ComplianceDelta.of(camera, c.windowStartMs(), 0, t.status(), c.status(), ts)));
            return t.withCounted(new Contribution(c.windowStartMs(), t.status()));
        }
        return t;
    }

    private void end(String camera, Track t, long eventTs, List<TrackingOutput> out, TrackImages images) {
        if (t.best() != null && t.best().hasCrop()) {
            images.remove(t.id());
        }
        // A track that never reached min-frames is noise (a detector blip), not a person.
        if (t.counted() == null && t.frameCount() >= tracker.config().minFrames()) {
            long start = windowStart(t.lastSeenMs());
            out.add(new TrackingOutput.Counts(ComplianceDelta.of(camera, start, 1, PersonStatus.UNCERTAIN, null, eventTs)));
        }
        out.add(new TrackingOutput.Person(personEvent(camera, t, PersonEvent.Type.ENDED, eventTs)));
    }

    /** Whether an ended track counts as a person (see {@link #end}). */
    public boolean countsAsPerson(PersonEvent ended) {
        return ended.status() != PersonStatus.UNCERTAIN || ended.frameCount() >= tracker.config().minFrames();
    }

    private long windowStart(long ts) {
        return ts - Math.floorMod(ts, windowMs);
    }

    private static PersonEvent personEvent(String camera, Track t, PersonEvent.Type type, long eventTs) {
        return new PersonEvent(SchemaVersions.PERSON, camera, t.id(), type, t.status(), t.startedMs(), t.lastSeenMs(),
                eventTs, t.frameCount(), t.confidence());
    }
}
