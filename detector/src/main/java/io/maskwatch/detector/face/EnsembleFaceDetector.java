package io.maskwatch.detector.face;

import io.maskwatch.common.contract.Box;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Several face detectors on the same frame, fused by weighted box fusion: detections overlapping the
 * best remaining one by at least {@link #FUSE_IOU} form a cluster, whose box (and landmarks, from the
 * members that give them) is the score-weighted mean and whose score is the mean over members of each
 * member's best score in it (a member that missed the face adds 0). Faces that several detectors
 * agree on rise, a face only one finds can still pass, and averaged boxes sit closer to the truth.
 * Members run at a low threshold and the fused score is thresholded at {@code threshold}.
 */
public final class EnsembleFaceDetector implements FaceDetector {
    static final double FUSE_IOU = 0.5;

    private final String name;
    private final List<FaceDetector> members;
    private final double threshold;

    public EnsembleFaceDetector(String name, List<FaceDetector> members, double threshold) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one detector");
        }
        this.name = name;
        this.members = List.copyOf(members);
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<DetectedFace> detect(Mat bgr) {
        List<List<DetectedFace>> perMember = new ArrayList<>();
        for (FaceDetector d : members) {
            perMember.add(d.detect(bgr));
        }
        return fuse(perMember, threshold);
    }

    /** Weighted box fusion of each member's detections (see the class comment); best first. */
    static List<DetectedFace> fuse(List<List<DetectedFace>> perMember, double threshold) {
        record Tagged(DetectedFace face, int member) {
        }
        List<Tagged> remaining = new ArrayList<>();
        for (int m = 0; m < perMember.size(); m++) {
            for (DetectedFace f : perMember.get(m)) {
                remaining.add(new Tagged(f, m));
            }
        }
        remaining.sort(Comparator.comparingDouble((Tagged t) -> t.face().score()).reversed());
        List<DetectedFace> out = new ArrayList<>();
        while (!remaining.isEmpty()) {
            Box best = remaining.get(0).face().box();
            List<Tagged> cluster = new ArrayList<>();
            List<Tagged> rest = new ArrayList<>();
            for (Tagged t : remaining) {
                (t == remaining.get(0) || best.iou(t.face().box()) >= FUSE_IOU ? cluster : rest).add(t);
            }
            remaining = rest;
            double[] bestPerMember = new double[perMember.size()];
            double sw = 0, x1 = 0, y1 = 0, x2 = 0, y2 = 0, lw = 0;
            float[] lm = null;
            for (Tagged t : cluster) {
                DetectedFace f = t.face();
                double w = f.score();
                bestPerMember[t.member()] = Math.max(bestPerMember[t.member()], w);
                sw += w;
                x1 += w * f.box().x1();
                y1 += w * f.box().y1();
                x2 += w * f.box().x2();
                y2 += w * f.box().y2();
                if (f.landmarks().length > 0 && (lm == null || lm.length == f.landmarks().length)) {
                    lm = lm == null ? new float[f.landmarks().length] : lm;
                    for (int i = 0; i < lm.length; i++) {
                        lm[i] += (float) (w * f.landmarks()[i]);
                    }
                    lw += w;
                }
            }
            double score = 0;
            for (double s : bestPerMember) {
                score += s;
            }
            score /= perMember.size();
            if (score < threshold || sw <= 0) {
                continue;
            }
            if (lm != null) {
                for (int i = 0; i < lm.length; i++) {
                    lm[i] /= (float) lw;
                }
            }
            out.add(new DetectedFace(new Box(x1 / sw, y1 / sw, x2 / sw, y2 / sw), (float) score, lm));
        }
        out.sort(Comparator.comparingDouble(DetectedFace::score).reversed());
        return out;
    }

    @Override
    public void close() {
        members.forEach(FaceDetector::close);
    }
}
