package io.maskwatch.detector.pipeline;

import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.Face;
import io.maskwatch.detector.face.DetectedFace;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-camera memory of the last frame's confidently classified faces, so that a face that stays
 * where it was is not classified again on every frame. Valid because frames are keyed by camera (one
 * camera's frames reach one consumer, in order); after a rebalance the revoked cameras are forgotten.
 *
 * <p>A face of the new frame whose box overlaps (IoU >= {@code minIou}) a remembered face keeps that
 * face's label and class probabilities, and its crop and heat map JPEGs (rendering them needs the
 * classifier's activations, which a reused face does not have; consumers that show the evidence of
 * an alert still get a picture of the face). The label is classified afresh after {@code every}
 * frames, as soon as the box moves away, or as soon as the face looks different from the frame where
 * it was last classified ({@link FaceThumbnail} change above {@code maxChange}: a mask put on or
 * taken off). Not thread-safe: used by the one consumer thread.
 */
public final class LabelReuse {
    /** A remembered face and how many frames ago it was classified (0 = in that frame). */
    record Track(Box box, Face face, int age, FaceThumbnail thumb) {
    }

    private final int every;
    private final double minIou;
    private final double minScore;
    private final double maxChange;
    private final double motionGate;
    /** Per camera: the last frame the face detector ran on, and what it found. */
    private final Map<String, Still> stills = new HashMap<>();
    private long gated;
    private final Map<String, List<Track>> byCamera = new HashMap<>();
    private long reused;
    private long classified;
    private long changed;

    /**
     * @param every    frames a label lives (0 or 1 = off: every face is classified)
     * @param minIou   minimum box overlap with the previous frame's face
     * @param minScore minimum joint score of the label being reused
     */
    public LabelReuse(int every, double minIou, double minScore) {
        this(every, minIou, minScore, 0);
    }

    /**
     * @param maxChange largest appearance change ({@link FaceThumbnail#change}) since the face was last
     *                  classified for its label to be reused (0 = appearance not checked)
     */
    public LabelReuse(int every, double minIou, double minScore, double maxChange) {
        this(every, minIou, minScore, maxChange, 0);
    }

    /**
     * @param motionGate a frame that differs from the camera's last detected frame by less than this
     *                   (largest grey-level difference of a cell of the {@link FrameThumbnail}s) keeps that
     *                   frame's detections (0 = off; only while label reuse is on)
     */
    public LabelReuse(int every, double minIou, double minScore, double maxChange, double motionGate) {
        this.motionGate = motionGate;
        this.every = every;
        this.minIou = minIou;
        this.minScore = minScore;
        this.maxChange = maxChange;
    }

    record Still(float[] thumb, List<DetectedFace> faces) {
    }

    /** Whether frames that did not change keep the camera's last detections. */
    public boolean gatesMotion() {
        return enabled() && motionGate > 0;
    }

    /** The camera's last detections when {@code thumb} is within the motion gate of its last detected frame, else null. */
    List<DetectedFace> still(String camera, float[] thumb) {
        Still s = stills.get(camera);
        if (s == null || thumb == null || s.thumb().length != thumb.length) {
            return null;
        }
        // the largest change of any cell (20x20 px of a 720p frame), not the mean: a small face
        // entering the scene barely moves the mean of the whole frame
        double d = 0;
        for (int i = 0; i < thumb.length; i++) {
            d = Math.max(d, Math.abs(thumb[i] - s.thumb()[i]));
        }
        if (d >= motionGate) {
            return null;
        }
        gated++;
        return s.faces();
    }

    /** Remembers the frame the detector ran on for the camera. */
    void detected(String camera, float[] thumb, List<DetectedFace> faces) {
        if (thumb != null) {
            stills.put(camera, new Still(thumb, List.copyOf(faces)));
        }
    }

    /** Frames that kept their camera's last detections (motion gate), since start. */
    public long gatedCount() {
        return gated;
    }

    /** Whether {@link #match} wants the faces' thumbnails. */
    public boolean checksAppearance() {
        return enabled() && maxChange > 0;
    }

    public boolean enabled() {
        return every > 1;
    }

    /**
     * For each face of a camera's new frame, the remembered track it continues, or null when it must
     * be classified. Each track is continued by at most one face (the best overlaps first).
     */
    List<Track> match(String camera, List<DetectedFace> faces) {
        return match(camera, faces, null);
    }

    /**
     * As {@link #match(String, List)}; with {@code thumbs} (one per face, null when the appearance is
     * not checked) a face whose thumbnail changed more than {@code maxChange} is classified again.
     */
    List<Track> match(String camera, List<DetectedFace> faces, List<FaceThumbnail> thumbs) {
        Track[] out = new Track[faces.size()];
        List<Track> prev = enabled() ? byCamera.getOrDefault(camera, List.of()) : List.of();
        // Candidate pairs, best overlap first, so two faces near one remembered face do not steal it in list order.
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < faces.size(); i++) {
            for (int j = 0; j < prev.size(); j++) {
                Track t = prev.get(j);
                double iou = t.age() + 1 < every ? t.box().iou(faces.get(i).box()) : 0;
                if (iou >= minIou) {
                    if (thumbs != null && maxChange > 0 && !looksTheSame(t.thumb(), thumbs.get(i))) {
                        changed++;
                        continue;
                    }
                    pairs.add(new double[] {iou, i, j});
                }
            }
        }
        pairs.sort((a, b) -> Double.compare(b[0], a[0]));
        boolean[] taken = new boolean[prev.size()];
        for (double[] p : pairs) {
            int i = (int) p[1], j = (int) p[2];
            if (out[i] == null && !taken[j]) {
                out[i] = prev.get(j);
                taken[j] = true;
            }
        }
        return java.util.Arrays.asList(out);
    }

    private boolean looksTheSame(FaceThumbnail then, FaceThumbnail now) {
        return then != null && now != null && then.change(now) <= maxChange;
    }

    /** The reused face for a new detection continuing {@code t}: new box and face score, the old label. */
    static Face reuse(Track t, DetectedFace f) {
        Face old = t.face();
        double p = old.probability(old.label());
        return new Face(f.box(), f.score(), old.label(), Face.jointConfidence(f.score(), p), old.probabilities(),
                old.cropJpeg(), old.heatmapJpeg());
    }

    /**
     * Remembers a camera's frame: {@code faces} as put into the event, {@code from} the track each
     * continued (null = classified in this frame). Only confident labels are kept.
     */
    void remember(String camera, List<Face> faces, List<Track> from) {
        remember(camera, faces, from, null);
    }

    /** As {@link #remember(String, List, List)}, with each face's thumbnail (kept from the frame it was classified in). */
    void remember(String camera, List<Face> faces, List<Track> from, List<FaceThumbnail> thumbs) {
        if (!enabled()) {
            return;
        }
        List<Track> next = new ArrayList<>(faces.size());
        for (int i = 0; i < faces.size(); i++) {
            Face f = faces.get(i);
            Track t = from.get(i);
            if (t == null) {
                classified++;
                if (f.score() >= minScore) {
                    next.add(new Track(f.box(), f, 0, thumbs == null ? null : thumbs.get(i)));
                }
            } else {
                reused++;
                next.add(new Track(f.box(), f, t.age() + 1, t.thumb()));
            }
        }
        if (next.isEmpty()) {
            byCamera.remove(camera);
        } else {
            byCamera.put(camera, next);
        }
    }

    /** Drops the cameras' state (their partitions were revoked or lost). */
    public void forget(Collection<String> cameras) {
        cameras.forEach(byCamera::remove);
        cameras.forEach(stills::remove);
    }

    public void forgetAll() {
        byCamera.clear();
        stills.clear();
    }

    /** Cameras with remembered faces. */
    public int cameras() {
        return byCamera.size();
    }

    /** Faces that kept a remembered label, since start. */
    public long reusedCount() {
        return reused;
    }

    /**
     * Face-track pairs that overlapped but were not reused because the face looked different (counted
     * per candidate pair, so a face near two tracks may count twice), since start.
     */
    public long changedCount() {
        return changed;
    }

    /** Faces that went through the classifier while reuse was on, since start. */
    public long classifiedCount() {
        return classified;
    }
}
