package io.maskwatch.alerter.live;

import io.maskwatch.alerter.tracking.TrackListener.TrackedFace;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.Face;
import io.maskwatch.common.contract.FaceLabel;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live view's memory: per camera the latest frame joined with the detection event of the same
 * capture time (annotated once, on the first request), plus the few frames still waiting for their
 * detections; and for each alert seen while running, the full frame that produced it and the track's
 * timeline. Everything is bounded: {@value #PENDING} waiting frames and {@value #SUSPECTS} recent
 * frames with a non-compliant face per camera, {@value #RECENT} face-only detection events per
 * camera (no images), and {@link #alertCapacity} alert frames. Nothing is persisted.
 */
public final class LiveFrames {
    /** Frames waiting for their detection event (the detector lags ingest by a few frames). */
    static final int PENDING = 6;
    /** Recent joined frames with a no-mask or below-nose face: the candidates for an alert's frame. */
    static final int SUSPECTS = 8;
    /** Detection events (faces without images) kept per camera for alert timelines. */
    static final int RECENT = 64;
    /** Width of grid tiles ({@code snapshot.jpg?size=small}). */
    public static final int THUMB_WIDTH = 480;
    /**
     * A camera's grid tile is made at most this often and shared by every viewer: a tile costs a decode
     * of the full frame (ImageIO has no reduced-size JPEG decoding; ~5 ms for 1280x720), and an overview
     * does not need every frame (one camera's page streams them all). With the page's 3 s refresh, a
     * tile is renewed every 12 s; status, age and compliance still every 3 s.
     */
    public static final long TILE_REFRESH_MS = 10_000;
    /** A camera is "down" when no frame arrived for this long. */
    public static final long DOWN_AFTER_MS = 10_000;
    /** Frames newer than the last joined one by this much are shown bare (the detector is down or far behind). */
    static final long UNJOINED_AFTER_MS = 5_000;
    /** Alerts that arrived before their detection event. */
    static final int WAITING = 32;
    /** Longest gap between two faces of one track in a timeline (tracking's default max gap). */
    static final long TIMELINE_GAP_MS = 2_000;
    /** Frames read back for alerts while nobody watched, kept per camera until their alert is stored. */
    static final int FETCHED = 8;
    /** The feed reads frames while a viewer asked for anything of the live view within this long. */
    public static final long WATCH_MS = 30_000;

    /** One frame from the frames topic. */
    public record Frame(String cameraId, long sequence, long captureMs, long receivedMs, byte[] jpeg) {
    }

    /**
     * A frame with the detection event of the same capture time and, once the tracker has said so, the
     * track of each face; the annotated JPEG is made once (again if the track ids come after it).
     */
    public static final class Joined {
        private final Frame frame;
        private final DetectionEvent detection;
        private final Box highlight;
        // volatile, not under the frame's lock: the tracker (a Streams thread) sets it and must never
        // wait behind a viewer's decode + draw + encode, which runs under that lock
        private volatile List<TrackedFace> tracks;
        private byte[] annotated;
        private List<TrackedFace> annotatedTracks;
        private byte[] thumbnail;
        private List<TrackedFace> thumbnailTracks;

        Joined(Frame frame, DetectionEvent detection, Box highlight, List<TrackedFace> tracks) {
            this.frame = frame;
            this.detection = detection;
            this.highlight = highlight;
            this.tracks = tracks;
        }

        void tracks(List<TrackedFace> t) {
            tracks = t;
        }

        /** The id of the track this face joined, or null when this replica's tracker has not told (yet). */
        public String trackId(Face f) {
            return trackIdOf(tracks, f.box());
        }

        public Frame frame() {
            return frame;
        }

        public DetectionEvent detection() {
            return detection;
        }

        /** The frame with its boxes drawn; cached, so N viewers cost one encode per frame. */
        public synchronized byte[] annotated(FrameAnnotator annotator) {
            List<TrackedFace> t = tracks; // one snapshot for the drawing and the cache check
            if (annotated == null || annotatedTracks != t) {
                annotated = annotator.annotate(frame.jpeg(), detection, highlight, 0, f -> trackIdOf(t, f.box()));
                annotatedTracks = t;
            }
            return annotated;
        }

        /** A grid tile: at most {@link #THUMB_WIDTH} px wide, cached like {@link #annotated}. */
        public synchronized byte[] thumbnail(FrameAnnotator annotator) {
            List<TrackedFace> t = tracks;
            if (thumbnail == null || thumbnailTracks != t) {
                thumbnail = annotator.annotate(frame.jpeg(), detection, highlight, THUMB_WIDTH, f -> trackIdOf(t, f.box()));
                thumbnailTracks = t;
            }
            return thumbnail;
        }
    }

    /** One frame of an alert's track: what the detector said about that person's face. */
    public record TimelineEntry(long sequence, long captureMs, FaceLabel label, double confidence, Box box) {
    }

    /** The full frame behind an alert (null when this replica did not see it) and the track's timeline. */
    public record AlertContext(String alertId, Joined frame, List<TimelineEntry> timeline) {
    }

    /** A camera's state for the grid. */
    public record CameraState(String cameraId, boolean up, Long lastFrameMs, Long lastReceivedMs, long version) {
    }

    /** Boxes this alike are the same face (the same event, decoded twice), not neighbours. */
    private static final double SAME_BOX_IOU = 0.9;

    /** The track of the tracked face whose box is this one; null if none. */
    static String trackIdOf(List<TrackedFace> tracks, Box b) {
        if (tracks == null) {
            return null;
        }
        TrackedFace best = null;
        double bestIou = 0;
        for (TrackedFace t : tracks) {
            double iou = t.box().equals(b) ? 1.0 : t.box().iou(b);
            if (iou >= SAME_BOX_IOU && iou > bestIou) {
                best = t;
                bestIou = iou;
            }
        }
        return best == null ? null : best.trackId();
    }

    /** The face of the detection that joined {@code trackId}, if the tracker placed one there. */
    private static Optional<Face> faceOfTrack(DetectionEvent d, List<TrackedFace> known, String trackId) {
        Box box = known.stream().filter(t -> t.trackId().equals(trackId)).map(TrackedFace::box).findFirst().orElse(null);
        Face best = null;
        double bestIou = 0;
        for (Face f : box == null ? List.<Face>of() : d.faces()) {
            double iou = f.box().equals(box) ? 1.0 : f.box().iou(box);
            if (iou >= SAME_BOX_IOU && iou > bestIou) {
                best = f;
                bestIou = iou;
            }
        }
        return Optional.ofNullable(best);
    }

    private static final class Camera {
        final TreeMap<Long, Frame> pending = new TreeMap<>();
        /** Which track each face joined, by capture time (from this replica's tracker). */
        final LinkedHashMap<Long, List<TrackedFace>> tracked = new LinkedHashMap<>();
        final ArrayDeque<Joined> suspects = new ArrayDeque<>();
        final ArrayDeque<DetectionEvent> recent = new ArrayDeque<>();
        /** Alert frames read back from the frames topic (not read live: nobody watched). */
        final ArrayDeque<Frame> fetched = new ArrayDeque<>();
        Joined shown;
        Frame latestFrame;
        /** Capture and arrival time of the newest detection: the camera's liveness while frames are not read. */
        long detectedCaptureMs = Long.MIN_VALUE;
        long detectedAtMs = Long.MIN_VALUE;
        long version;
        /** The grid tile and the wall time it was made; guarded by itself, so viewers share one encode. */
        final Object tileLock = new Object();
        byte[] tile;
        long tileAtMs;
    }

    private final Clock clock;
    private final long watchMs;
    /** Wall time of the last viewer request; frames are read only while it is recent. */
    private volatile long lastViewMs = Long.MIN_VALUE / 2;
    private final int alertCapacity;
    private final FrameAnnotator annotator = new FrameAnnotator();
    private final TreeSet<String> configured;
    private final Map<String, Camera> cameras = new LinkedHashMap<>();
    private final LinkedHashMap<String, AlertContext> alerts = new LinkedHashMap<>();
    private final AtomicInteger streams = new AtomicInteger();
    private final ArrayDeque<Alert> waiting = new ArrayDeque<>();
    private volatile boolean closed;

    /**
     * @param configuredCameras ids listed in the configuration: on the grid (as down) before their first frame
     * @param alertCapacity     alert frames kept (newest); each is one full-size JPEG
     */
    public LiveFrames(Collection<String> configuredCameras, int alertCapacity, Clock clock) {
        this(configuredCameras, alertCapacity, clock, WATCH_MS);
    }

    /** @param watchMs frames are read while a viewer asked within this long (or a stream is open) */
    public LiveFrames(Collection<String> configuredCameras, int alertCapacity, Clock clock, long watchMs) {
        this.watchMs = watchMs;
        this.configured = new TreeSet<>(configuredCameras);
        this.alertCapacity = alertCapacity;
        this.clock = clock;
    }

    public FrameAnnotator annotator() {
        return annotator;
    }

    /** A viewer asked for the grid, a camera, a snapshot or a stream: read frames (again). */
    public void touch() {
        lastViewMs = clock.millis();
    }

    public long watchMs() {
        return watchMs;
    }

    /** True while someone watches: a request within the watch time, or an open stream. */
    public boolean watched() {
        return streams.get() > 0 || clock.millis() - lastViewMs <= watchMs;
    }

    /** True when the alert was stored without its frame (it was not among the frames read live). */
    public synchronized boolean lacksFrame(Alert a) {
        AlertContext ctx = alerts.get(a.alertId());
        return ctx != null && ctx.frame() == null;
    }

    /**
     * An alert's frame read back from the frames topic (nobody watched when it was live): kept for the
     * alert, which gets it now if stored already, else when its detection arrives.
     */
    public synchronized void onFetchedFrame(Alert a, Frame f) {
        Camera c = cameras.computeIfAbsent(a.cameraId(), k -> new Camera());
        c.fetched.addLast(f);
        while (c.fetched.size() > FETCHED) {
            c.fetched.pollFirst();
        }
        AlertContext ctx = alerts.get(a.alertId());
        if (ctx != null && ctx.frame() == null) {
            store(a); // same key: keeps its place among the kept alerts
        }
    }

    public synchronized void onFrame(Frame f) {
        Camera c = cameras.computeIfAbsent(f.cameraId(), k -> new Camera());
        // The two topics are fetched independently: a frame may come after its detection event.
        for (Iterator<DetectionEvent> it = c.recent.descendingIterator(); it.hasNext(); ) {
            DetectionEvent d = it.next();
            if (d.captureTimestampMs() == f.captureMs()) {
                if (c.latestFrame == null || f.captureMs() >= c.latestFrame.captureMs()) {
                    c.latestFrame = f;
                }
                join(c, f, d);
                return;
            }
            if (d.captureTimestampMs() < f.captureMs()) {
                break;
            }
        }
        c.pending.put(f.captureMs(), f);
        while (c.pending.size() > PENDING) {
            c.pending.pollFirstEntry();
        }
        if (c.latestFrame == null || f.captureMs() >= c.latestFrame.captureMs()) {
            c.latestFrame = f;
        }
        if (bareIsNewest(c)) {
            // No detections (yet, or the detector is behind): viewers see the bare frame rather than an old one.
            c.version++;
            notifyAll();
        }
    }

    public synchronized void onDetection(DetectionEvent d) {
        Camera c = cameras.computeIfAbsent(d.cameraId(), k -> new Camera());
        if (d.captureTimestampMs() >= c.detectedCaptureMs) {
            c.detectedCaptureMs = d.captureTimestampMs();
            c.detectedAtMs = clock.millis();
        }
        List<Face> bare = d.faces().stream().map(f -> f.withImages(null, null)).toList();
        c.recent.addLast(new DetectionEvent(d.schemaVersion(), d.cameraId(), d.frameSequence(), d.captureTimestampMs(),
                d.processedTimestampMs(), d.frameWidth(), d.frameHeight(), d.detector(), d.model(), bare));
        while (c.recent.size() > RECENT) {
            c.recent.pollFirst();
        }
        Frame f = c.pending.remove(d.captureTimestampMs());
        if (f != null) {
            join(c, f, c.recent.peekLast());
        }
        if (!waiting.isEmpty()) {
            List<Alert> ready = waiting.stream().filter(a -> a.cameraId().equals(d.cameraId())
                    && a.timestampMs() <= d.captureTimestampMs()).toList();
            waiting.removeAll(ready);
            ready.forEach(this::store);
        }
    }

    private void join(Camera c, Frame f, DetectionEvent d) {
        // Detections come in frame order per camera: older waiting frames will not be joined.
        c.pending.headMap(d.captureTimestampMs(), true).clear();
        DetectionEvent stripped = d;
        Joined j = new Joined(f, stripped, null, c.tracked.get(f.captureMs()));
        if (c.shown == null || f.captureMs() >= c.shown.frame().captureMs()) {
            c.shown = j;
            c.version++;
            notifyAll();
        }
        if (stripped.faces().stream().anyMatch(x -> x.label() != FaceLabel.MASK)) {
            c.suspects.addLast(j);
            while (c.suspects.size() > SUSPECTS) {
                c.suspects.pollFirst();
            }
        }
    }

    /**
     * The tracker's word on which track each face of a detection joined (in the Streams thread, for this
     * replica's cameras): kept for the recent detections, and given to the frames already joined.
     */
    public synchronized void onTracked(String cameraId, long captureMs, List<TrackedFace> faces) {
        Camera c = cameras.computeIfAbsent(cameraId, k -> new Camera());
        c.tracked.put(captureMs, List.copyOf(faces));
        Iterator<Long> it = c.tracked.keySet().iterator();
        while (c.tracked.size() > RECENT && it.hasNext()) {
            it.next();
            it.remove();
        }
        if (c.shown != null && c.shown.frame().captureMs() == captureMs) {
            c.shown.tracks(c.tracked.get(captureMs));
        }
        for (Joined j : c.suspects) {
            if (j.frame().captureMs() == captureMs) {
                j.tracks(c.tracked.get(captureMs));
            }
        }
    }

    /** Keeps the frame of the alert (if still here) and the track's timeline from the recent detections. */
    public synchronized void onAlert(Alert a) {
        if (alerts.containsKey(a.alertId())) {
            return;
        }
        Camera c = cameras.get(a.cameraId());
        if (c != null && c.recent.stream().noneMatch(d -> d.captureTimestampMs() >= a.timestampMs())) {
            // The alert overtook its detection (different partitions): wait for it, briefly and bounded.
            waiting.addLast(a);
            while (waiting.size() > WAITING) {
                store(waiting.pollFirst());
            }
            return;
        }
        store(a);
    }

    private void store(Alert a) {
        Camera c = cameras.get(a.cameraId());
        Joined frame = null;
        List<TimelineEntry> timeline = List.of();
        if (c != null) {
            for (Joined j : c.suspects) {
                if (j.frame().captureMs() == a.timestampMs()) {
                    List<TrackedFace> tracks = c.tracked.get(a.timestampMs());
                    // The tracker said which face is the alert's person; else the nearest non-compliant one.
                    Box near = tracks == null ? null : tracks.stream().filter(t -> t.trackId().equals(a.trackId()))
                            .map(TrackedFace::box).findFirst().orElse(null);
                    if (near == null && a.box() != null) {
                        near = nearest(j.detection(), a.box(), true).map(Face::box).orElse(a.box());
                    }
                    frame = new Joined(j.frame(), j.detection(), near, tracks);
                }
            }
            if (frame == null) {
                frame = fromFetched(c, a);
            }
            timeline = timeline(c.recent, a, c.tracked);
        }
        alerts.put(a.alertId(), new AlertContext(a.alertId(), frame, timeline));
        Iterator<String> it = alerts.keySet().iterator();
        while (alerts.size() > alertCapacity && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    /** The alert's frame from those read back for alerts, joined with its detection; null if not there. */
    private static Joined fromFetched(Camera c, Alert a) {
        Frame f = c.fetched.stream().filter(x -> x.captureMs() == a.timestampMs()).findFirst().orElse(null);
        DetectionEvent d = c.recent.stream().filter(x -> x.captureTimestampMs() == a.timestampMs()).findFirst().orElse(null);
        if (f == null || d == null) {
            return null;
        }
        List<TrackedFace> tracks = c.tracked.get(a.timestampMs());
        Box near = tracks == null ? null : tracks.stream().filter(t -> t.trackId().equals(a.trackId()))
                .map(TrackedFace::box).findFirst().orElse(null);
        if (near == null && a.box() != null) {
            near = nearest(d, a.box(), true).map(Face::box).orElse(a.box());
        }
        return new Joined(f, d, near, tracks);
    }

    /**
     * Follows the alert's person backwards through the recent detections: at the alert's frame the
     * non-compliant face nearest the alert's box, before it the face nearest the previous one
     * (overlap or centre within one face size), until a gap longer than tracking allows.
     */
    static List<TimelineEntry> timeline(Collection<DetectionEvent> recent, Alert a) {
        return timeline(recent, a, Map.of());
    }

    /**
     * @param tracked which track each face joined, by capture time, where this replica's tracker said so:
     *                in those frames the alert's track's own face (or none), elsewhere the nearest face
     */
    static List<TimelineEntry> timeline(Collection<DetectionEvent> recent, Alert a, Map<Long, List<TrackedFace>> tracked) {
        if (a.box() == null) {
            return List.of();
        }
        List<DetectionEvent> newestFirst = new ArrayList<>(recent);
        java.util.Collections.reverse(newestFirst);
        // Track ids are <camera>-<capture ms of the first face>-<index>: the timeline starts there.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-(\\d+)-\\d+$").matcher(a.trackId() == null ? "" : a.trackId());
        long trackStart = m.find() ? Long.parseLong(m.group(1)) : Long.MIN_VALUE;
        List<TimelineEntry> out = new ArrayList<>();
        Box current = a.box();
        long lastMs = a.timestampMs();
        boolean first = true;
        for (DetectionEvent d : newestFirst) {
            if (d.captureTimestampMs() > a.timestampMs()) {
                continue;
            }
            if (lastMs - d.captureTimestampMs() > TIMELINE_GAP_MS || d.captureTimestampMs() < trackStart) {
                break;
            }
            List<TrackedFace> known = tracked.get(d.captureTimestampMs());
            Optional<Face> f = known != null && a.trackId() != null
                    ? faceOfTrack(d, known, a.trackId())
                    : nearest(d, current, first && d.captureTimestampMs() == a.timestampMs());
            if (f.isPresent()) {
                Face face = f.get();
                out.add(new TimelineEntry(d.frameSequence(), d.captureTimestampMs(), face.label(),
                        face.joint(face.label()), face.box()));
                current = face.box();
                lastMs = d.captureTimestampMs();
                first = false;
            }
        }
        java.util.Collections.reverse(out);
        return List.copyOf(out);
    }

    /**
     * @param alerting at the alert's own frame: the nearest non-compliant face, however far (the alert's
     *                 box is the track's best face, which may be from an earlier frame); before it, the
     *                 nearest face that overlaps or is within one face size
     */
    private static Optional<Face> nearest(DetectionEvent d, Box b, boolean alerting) {
        Face best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        double size = Math.max(1, Math.sqrt(b.area()));
        for (Face f : d.faces()) {
            if (alerting && f.label() == FaceLabel.MASK) {
                continue;
            }
            double dist = Math.hypot(f.box().centerX() - b.centerX(), f.box().centerY() - b.centerY()) / size;
            double score = b.iou(f.box()) - dist;
            if ((alerting || b.iou(f.box()) > 0.1 || dist <= 1.0) && score > bestScore) {
                best = f;
                bestScore = score;
            }
        }
        return Optional.ofNullable(best);
    }

    public synchronized Optional<AlertContext> alert(String alertId) {
        return Optional.ofNullable(alerts.get(alertId));
    }

    /** Drops an alert's frame and timeline (erasure). */
    public synchronized void forget(String alertId) {
        alerts.remove(alertId);
    }

    /** The joined frame shown for the camera now (null while the bare frame is newest, or none). */
    public synchronized Joined shown(String cameraId) {
        Camera c = cameras.get(cameraId);
        return c == null || bareIsNewest(c) ? null : c.shown;
    }

    /** What the camera holds, for diagnostics (capture times only, no images). */
    public synchronized String debug(String cameraId) {
        Camera c = cameras.get(cameraId);
        if (c == null) {
            return "no such camera";
        }
        return "latest frame " + (c.latestFrame == null ? null : c.latestFrame.captureMs()) + ", shown "
                + (c.shown == null ? null : c.shown.frame().captureMs()) + ", waiting " + c.pending.keySet()
                + ", newest detection " + (c.recent.isEmpty() ? null : c.recent.peekLast().captureTimestampMs());
    }

    /** Configured cameras and every camera seen, by id. */
    public synchronized List<CameraState> cameras() {
        TreeSet<String> ids = new TreeSet<>(configured);
        ids.addAll(cameras.keySet());
        List<CameraState> out = new ArrayList<>();
        for (String id : ids) {
            out.add(stateOf(id, cameras.get(id)));
        }
        return out;
    }

    public synchronized Optional<CameraState> camera(String id) {
        Camera c = cameras.get(id);
        if (c == null && !configured.contains(id)) {
            return Optional.empty();
        }
        return Optional.of(stateOf(id, c));
    }

    /** True when the latest frame should be shown without boxes: no joined frame, or only a stale one. */
    private static boolean bareIsNewest(Camera c) {
        return c.latestFrame != null
                && (c.shown == null || c.latestFrame.captureMs() - c.shown.frame().captureMs() > UNJOINED_AFTER_MS);
    }

    /**
     * Up or down from the newest frame or detection event, whichever is newer: detections are read
     * even while nobody watches (frames are not), and each is of a frame the camera sent.
     */
    private CameraState stateOf(String id, Camera c) {
        if (c == null || (c.latestFrame == null && c.detectedAtMs == Long.MIN_VALUE)) {
            return new CameraState(id, false, null, null, c == null ? 0 : c.version);
        }
        long capture = c.detectedCaptureMs;
        long received = c.detectedAtMs;
        if (c.latestFrame != null && c.latestFrame.captureMs() >= capture) {
            capture = c.latestFrame.captureMs();
            received = c.latestFrame.receivedMs();
        }
        return new CameraState(id, clock.millis() - received <= DOWN_AFTER_MS, capture, received, c.version);
    }

    /** The latest frame with its detections drawn, or the bare latest frame before any detection; null if none. */
    public byte[] snapshot(String cameraId) {
        return snapshot(cameraId, false);
    }

    /**
     * @param small a grid tile ({@link #THUMB_WIDTH} px wide) instead of the full frame: the camera's
     *              current one, renewed at most every {@link #TILE_REFRESH_MS}
     */
    public byte[] snapshot(String cameraId, boolean small) {
        if (!small) {
            return view(cameraId, false);
        }
        Camera c;
        synchronized (this) {
            c = cameras.get(cameraId);
        }
        if (c == null) {
            return null;
        }
        synchronized (c.tileLock) {
            long now = clock.millis();
            if (c.tile == null || now - c.tileAtMs >= TILE_REFRESH_MS) {
                byte[] t = view(cameraId, true);
                if (t == null) {
                    return null;
                }
                c.tile = t;
                c.tileAtMs = now;
            }
            return c.tile;
        }
    }

    private byte[] view(String cameraId, boolean small) {
        Joined j;
        Frame bare;
        synchronized (this) {
            Camera c = cameras.get(cameraId);
            if (c == null) {
                return null;
            }
            j = bareIsNewest(c) ? null : c.shown;
            bare = c.latestFrame;
        }
        if (j != null) {
            return small ? j.thumbnail(annotator) : j.annotated(annotator);
        }
        if (bare == null) {
            return null;
        }
        return small ? annotator.annotate(bare.jpeg(), null, null, THUMB_WIDTH) : bare.jpeg();
    }

    /** Waits until the camera's view is newer than {@code version} (or the timeout); returns the current version. */
    public synchronized long awaitNewer(String cameraId, long version, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (!closed) {
            Camera c = cameras.get(cameraId);
            long v = c == null ? 0 : c.version;
            long left = (end - System.nanoTime()) / 1_000_000;
            if (v > version || left <= 0) {
                return v;
            }
            wait(left);
        }
        return -1;
    }

    /** Counts a viewer's stream; the returned handle must be closed when it ends. */
    public Viewer openStream() {
        streams.incrementAndGet();
        return streams::decrementAndGet;
    }

    /** One open stream. */
    public interface Viewer extends AutoCloseable {
        @Override
        void close();
    }

    /** Open MJPEG streams (a disconnected viewer must bring this back down). */
    public int activeStreams() {
        return streams.get();
    }

    public boolean closed() {
        return closed;
    }

    /** Wakes and ends every stream. */
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
