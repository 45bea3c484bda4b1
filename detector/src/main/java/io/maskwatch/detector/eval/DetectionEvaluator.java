package io.maskwatch.detector.eval;

import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.FaceLabel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PASCAL VOC detection metrics for labelled faces: AP at an IoU threshold per class (all-point
 * interpolation, VOC 2010+), mAP, and the face detector's class-agnostic recall, also split by the
 * true class (do masks hide faces from the detector?).
 *
 * <p>Ignored ground truth (VOC difficult, unmapped names, faces narrower than the minimum size)
 * neither counts as missed nor turns a detection on it into a false positive. A detection narrower
 * than the minimum size that matches no scored face is ignored too.
 */
public final class DetectionEvaluator {
    /** A labelled face; {@code label == null} means not scored (ignored). */
    public record Truth(Box box, FaceLabel label) {
        public boolean ignored() {
            return label == null;
        }
    }

    /** A detected, classified face; AP ranks by {@code faceScore x classScore}. */
    public record Prediction(Box box, double faceScore, FaceLabel label, double classScore) {
        double confidence() {
            return faceScore * classScore;
        }
    }

    public record Image(List<Truth> truths, List<Prediction> predictions) {
    }

    /** Per-class result. */
    public record ClassResult(FaceLabel label, int truths, int truePositives, int falsePositives, double ap,
                              double recall, double precision) {
    }

    /** Everything measured. {@code faceRecallByTrueClass}: detector recall among faces of that true class. */
    public record Result(Map<FaceLabel, ClassResult> classes, double map, int scoredFaces, int detectedFaces,
                         double faceRecall, double faceAp, int faceFalsePositives,
                         Map<FaceLabel, double[]> faceRecallByTrueClass, double classificationAccuracy,
                         int[][] confusion, int ignoredTruths) {

        public String format() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%-9s %6s %6s %6s %8s %8s %8s%n", "class", "faces", "TP", "FP",
                    "AP@0.5", "recall", "precis."));
            for (ClassResult c : classes.values()) {
                sb.append(String.format(Locale.ROOT, "%-9s %6d %6d %6d %8.3f %8.3f %8.3f%n", c.label().wireName(),
                        c.truths(), c.truePositives(), c.falsePositives(), c.ap(), c.recall(), c.precision()));
            }
            sb.append(String.format(Locale.ROOT, "mAP@0.5 %.3f%n", map));
            sb.append(String.format(Locale.ROOT, "face detection: recall %.3f (%d of %d scored faces), AP %.3f, "
                    + "%d false positives, %d ignored faces%n", faceRecall, detectedFaces, scoredFaces, faceAp,
                    faceFalsePositives, ignoredTruths));
            for (var e : faceRecallByTrueClass.entrySet()) {
                sb.append(String.format(Locale.ROOT, "  recall on %-8s faces: %.3f (%d of %d)%n", e.getKey().wireName(),
                        e.getValue()[0] == 0 ? 0 : e.getValue()[1] / e.getValue()[0], (int) e.getValue()[1],
                        (int) e.getValue()[0]));
            }
            sb.append(String.format(Locale.ROOT, "classification accuracy on detected faces: %.3f%n", classificationAccuracy));
            sb.append("confusion (rows true mask/no_mask, columns predicted mask/no_mask/incorrect):\n");
            for (int r = 0; r < 2; r++) {
                sb.append(String.format(Locale.ROOT, "  %-8s %5d %5d %5d%n", r == 0 ? "mask" : "no_mask",
                        confusion[r][0], confusion[r][1], confusion[r][2]));
            }
            return sb.toString();
        }
    }

    private final double iouThreshold;
    private final double minSize;

    public DetectionEvaluator(double iouThreshold, double minSize) {
        this.iouThreshold = iouThreshold;
        this.minSize = minSize;
    }

    /** Truth with faces narrower than the minimum size turned into ignored ones. */
    private List<Truth> effective(List<Truth> truths) {
        List<Truth> out = new ArrayList<>();
        for (Truth t : truths) {
            out.add(t.box().width() < minSize ? new Truth(t.box(), null) : t);
        }
        return out;
    }

    public Result evaluate(List<Image> images) {
        List<List<Truth>> truths = images.stream().map(i -> effective(i.truths())).toList();
        Map<FaceLabel, ClassResult> classes = new EnumMap<>(FaceLabel.class);
        double apSum = 0;
        int apCount = 0;
        for (FaceLabel c : List.of(FaceLabel.MASK, FaceLabel.NO_MASK)) {
            Match m = match(images, truths, c);
            classes.put(c, new ClassResult(c, m.positives, m.tp, m.fp, m.ap, m.recall(), m.precision()));
            if (m.positives > 0) {
                apSum += m.ap;
                apCount++;
            }
        }
        Match faces = match(images, truths, null);
        Map<FaceLabel, double[]> byClass = new EnumMap<>(FaceLabel.class);
        int[][] confusion = new int[2][3];
        int correct = 0, matched = 0;
        for (int i = 0; i < images.size(); i++) {
            List<Truth> ts = truths.get(i);
            for (int t = 0; t < ts.size(); t++) {
                Truth truth = ts.get(t);
                if (truth.ignored()) {
                    continue;
                }
                double[] counts = byClass.computeIfAbsent(truth.label(), k -> new double[2]);
                counts[0]++;
                Prediction p = faces.matchedBy.get(i)[t];
                if (p != null) {
                    counts[1]++;
                    matched++;
                    if (p.label() == truth.label()) {
                        correct++;
                    }
                    if (truth.label() != FaceLabel.INCORRECT) {
                        confusion[truth.label() == FaceLabel.MASK ? 0 : 1][p.label().ordinal()]++;
                    }
                }
            }
        }
        int ignored = (int) truths.stream().flatMap(List::stream).filter(Truth::ignored).count();
        return new Result(classes, apCount == 0 ? 0 : apSum / apCount, faces.positives, faces.tp, faces.recall(),
                faces.ap, faces.fp, byClass, matched == 0 ? 0 : (double) correct / matched, confusion, ignored);
    }

    private static final class Match {
        int positives;
        int tp;
        int fp;
        double ap;
        List<Prediction[]> matchedBy = new ArrayList<>();

        double recall() {
            return positives == 0 ? 0 : (double) tp / positives;
        }

        double precision() {
            return tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        }
    }

    private record Ranked(int image, Prediction p) {
    }

    /** VOC matching for one class ({@code cls == null}: every face, labels ignored). */
    private Match match(List<Image> images, List<List<Truth>> truths, FaceLabel cls) {
        Match m = new Match();
        List<Ranked> ranked = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            m.matchedBy.add(new Prediction[truths.get(i).size()]);
            for (Truth t : truths.get(i)) {
                if (!t.ignored() && (cls == null || t.label() == cls)) {
                    m.positives++;
                }
            }
            for (Prediction p : images.get(i).predictions()) {
                if (cls == null || p.label() == cls) {
                    ranked.add(new Ranked(i, p));
                }
            }
        }
        Comparator<Ranked> byConfidence = Comparator.comparingDouble(
                r -> cls == null ? r.p().faceScore() : r.p().confidence());
        ranked.sort(byConfidence.reversed());
        List<boolean[]> isTp = new ArrayList<>();
        for (Ranked r : ranked) {
            List<Truth> ts = truths.get(r.image());
            Prediction[] used = m.matchedBy.get(r.image());
            int best = -1;
            double bestIou = -1;
            for (int t = 0; t < ts.size(); t++) {
                Truth truth = ts.get(t);
                // Other classes' faces are not candidates, except ignored ones, which absorb detections.
                if (cls != null && !truth.ignored() && truth.label() != cls) {
                    continue;
                }
                double iou = truth.box().iou(r.p().box());
                if (iou > bestIou) {
                    bestIou = iou;
                    best = t;
                }
            }
            if (best >= 0 && bestIou >= iouThreshold) {
                if (ts.get(best).ignored()) {
                    continue;
                }
                if (used[best] == null) {
                    used[best] = r.p();
                    m.tp++;
                    isTp.add(new boolean[] {true});
                } else {
                    m.fp++;
                    isTp.add(new boolean[] {false});
                }
            } else if (r.p().box().width() < minSize) {
                continue;
            } else {
                m.fp++;
                isTp.add(new boolean[] {false});
            }
        }
        m.ap = averagePrecision(isTp.stream().map(b -> b[0]).toList(), m.positives);
        return m;
    }

    /** All-point interpolated AP (VOC 2010+) of detections ranked by confidence. */
    public static double averagePrecision(List<Boolean> rankedIsTp, int positives) {
        if (positives == 0) {
            return 0;
        }
        int n = rankedIsTp.size();
        double[] rec = new double[n + 2];
        double[] prec = new double[n + 2];
        int tp = 0;
        for (int i = 0; i < n; i++) {
            if (rankedIsTp.get(i)) {
                tp++;
            }
            rec[i + 1] = (double) tp / positives;
            prec[i + 1] = (double) tp / (i + 1);
        }
        rec[n + 1] = 1.0;
        prec[n + 1] = 0.0;
        rec[0] = 0;
        prec[0] = 0;
        for (int i = n; i >= 0; i--) {
            prec[i] = Math.max(prec[i], prec[i + 1]);
        }
        double ap = 0;
        for (int i = 1; i <= n + 1; i++) {
            ap += (rec[i] - rec[i - 1]) * prec[i];
        }
        return ap;
    }
}
