package io.maskwatch.detector.eval;

import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.detector.mask.FaceConfidence;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PASCAL VOC detection metrics for labelled faces, in two views:
 * <ul>
 *   <li>3-class: mask / no_mask / incorrect, each its own class. A 2-class classifier never predicts
 *       incorrect, so its incorrect AP is 0 and pulls the 3-class mAP down: that is the honest score
 *       of a model that cannot tell a badly worn mask.</li>
 *   <li>2-class: incorrect counted as no_mask on both sides (the truth, and the prediction, whose
 *       unmasked probability is P(no_mask) + P(incorrect)) - what an alert cares about.</li>
 * </ul>
 * AP at an IoU threshold per class uses all-point interpolation (VOC 2010+); mAP averages the
 * classes that have scored faces. Face detection is scored class-agnostically (ranked by the face
 * score): recall, AP, recall per true class and per face size (box width, as {@code --min-size}).
 *
 * <p>Ignored ground truth (VOC difficult, names mapped to ignore, faces narrower than the minimum
 * size) neither counts as missed nor turns a detection on it into a false positive. A detection
 * narrower than the minimum size that matches no scored face is ignored too.
 */
public final class DetectionEvaluator {
    /** Face-width buckets of the size recall table (pixels, lower bound inclusive). */
    public static final List<String> SIZE_BUCKETS = List.of("<32", "32-64", ">=64");

    /** A labelled face; {@code label == null} means not scored (ignored). */
    public record Truth(Box box, FaceLabel label) {
        public boolean ignored() {
            return label == null;
        }
    }

    /**
     * A detected, classified face.
     *
     * @param score         the reported confidence of {@code label}: P(face) x P(label | face), {@link FaceConfidence}
     * @param probabilities the classifier's probabilities (given a face)
     */
    public record Prediction(Box box, double faceScore, FaceLabel label, double score, Map<FaceLabel, Double> probabilities) {
        public Prediction {
            probabilities = Map.copyOf(probabilities);
        }

        /** A prediction whose classifier gave {@code label} probability {@code p} (the rest to the other class). */
        public static Prediction of(Box box, double faceScore, FaceLabel label, double p) {
            FaceLabel other = label == FaceLabel.MASK ? FaceLabel.NO_MASK : FaceLabel.MASK;
            return new Prediction(box, faceScore, label, FaceConfidence.joint(faceScore, p), Map.of(label, p, other, 1 - p));
        }

        /** The 2-class view: no_mask + incorrect against mask. */
        Ranked2 twoClass() {
            double mask = probabilities.getOrDefault(FaceLabel.MASK, 0.0);
            double unmasked = probabilities.getOrDefault(FaceLabel.NO_MASK, 0.0)
                    + probabilities.getOrDefault(FaceLabel.INCORRECT, 0.0);
            return mask >= unmasked
                    ? new Ranked2(FaceLabel.MASK, FaceConfidence.joint(faceScore, mask))
                    : new Ranked2(FaceLabel.NO_MASK, FaceConfidence.joint(faceScore, Math.min(1, unmasked)));
        }
    }

    record Ranked2(FaceLabel label, double score) {
    }

    public record Image(List<Truth> truths, List<Prediction> predictions) {
    }

    /** Per-class result. */
    public record ClassResult(FaceLabel label, int truths, int truePositives, int falsePositives, double ap,
                              double recall, double precision) {
    }

    /** Faces of a group and how many the detector found. */
    public record Count(int faces, int found) {
        public double recall() {
            return faces == 0 ? Double.NaN : (double) found / faces;
        }
    }

    /**
     * Everything measured.
     *
     * @param classes3          per-class AP etc. in the 3-class view (mask, no_mask, incorrect)
     * @param classes2          per-class AP in the 2-class view (mask, no_mask incl. incorrect)
     * @param recallByTrueClass detector recall among scored faces of each true class
     * @param recallBySize      detector recall by face width over all labelled faces, {@code --min-size} not applied
     * @param trueFaceScores    face scores of detections matched to scored faces, ascending
     * @param confusion         rows true mask/no_mask/incorrect, columns predicted mask/no_mask/incorrect
     */
    public record Result(Map<FaceLabel, ClassResult> classes3, double map3, Map<FaceLabel, ClassResult> classes2,
                         double map2, int scoredFaces, int detectedFaces, double faceRecall, double faceAp,
                         int faceFalsePositives, Map<FaceLabel, Count> recallByTrueClass,
                         Map<String, Count> recallBySize, double[] trueFaceScores, double accuracy3,
                         double accuracy2, int[][] confusion, int ignoredTruths) {

        /** The q-quantile (0..1) of the true faces' face scores (nearest rank), NaN when none. */
        public double faceScoreQuantile(double q) {
            if (trueFaceScores.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(q * trueFaceScores.length) - 1;
            return trueFaceScores[Math.max(0, Math.min(trueFaceScores.length - 1, i))];
        }
    }

    private final double iouThreshold;
    private final double minSize;

    public DetectionEvaluator(double iouThreshold, double minSize) {
        this.iouThreshold = iouThreshold;
        this.minSize = minSize;
    }

    /** Truth with faces narrower than {@code min} turned into ignored ones. */
    private static List<Truth> effective(List<Truth> truths, double min) {
        List<Truth> out = new ArrayList<>();
        for (Truth t : truths) {
            out.add(t.box().width() < min ? new Truth(t.box(), null) : t);
        }
        return out;
    }

    /** One view's candidate: a prediction with the label and confidence it is ranked by. */
    private record Candidate(Prediction p, FaceLabel label, double confidence) {
    }

    public Result evaluate(List<Image> images) {
        List<List<Truth>> truths3 = images.stream().map(i -> effective(i.truths(), minSize)).toList();
        List<List<Truth>> truths2 = truths3.stream().map(ts -> ts.stream()
                .map(t -> t.label() == FaceLabel.INCORRECT ? new Truth(t.box(), FaceLabel.NO_MASK) : t).toList()).toList();
        List<List<Candidate>> preds3 = images.stream().map(i -> i.predictions().stream()
                .map(p -> new Candidate(p, p.label(), p.score())).toList()).toList();
        List<List<Candidate>> preds2 = images.stream().map(i -> i.predictions().stream()
                .map(p -> {
                    Ranked2 r = p.twoClass();
                    return new Candidate(p, r.label(), r.score());
                }).toList()).toList();
        List<List<Candidate>> faces = images.stream().map(i -> i.predictions().stream()
                .map(p -> new Candidate(p, null, p.faceScore())).toList()).toList();

        Map<FaceLabel, ClassResult> classes3 = new EnumMap<>(FaceLabel.class);
        double map3 = perClass(truths3, preds3, List.of(FaceLabel.MASK, FaceLabel.NO_MASK, FaceLabel.INCORRECT), classes3);
        Map<FaceLabel, ClassResult> classes2 = new EnumMap<>(FaceLabel.class);
        double map2 = perClass(truths2, preds2, List.of(FaceLabel.MASK, FaceLabel.NO_MASK), classes2);

        Match det = match(truths3, faces, null, minSize);
        Map<FaceLabel, int[]> byClass = new EnumMap<>(FaceLabel.class);
        int[][] confusion = new int[3][3];
        int correct3 = 0, correct2 = 0, matched = 0;
        List<Double> scores = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            List<Truth> ts = truths3.get(i);
            for (int t = 0; t < ts.size(); t++) {
                Truth truth = ts.get(t);
                if (truth.ignored()) {
                    continue;
                }
                int[] counts = byClass.computeIfAbsent(truth.label(), k -> new int[2]);
                counts[0]++;
                Prediction p = det.matchedBy.get(i)[t];
                if (p != null) {
                    counts[1]++;
                    matched++;
                    scores.add(p.faceScore());
                    correct3 += p.label() == truth.label() ? 1 : 0;
                    boolean trueUnmasked = truth.label() != FaceLabel.MASK;
                    correct2 += (p.twoClass().label() != FaceLabel.MASK) == trueUnmasked ? 1 : 0;
                    confusion[truth.label().ordinal()][p.label().ordinal()]++;
                }
            }
        }
        Map<FaceLabel, Count> recallByTrueClass = new EnumMap<>(FaceLabel.class);
        byClass.forEach((k, v) -> recallByTrueClass.put(k, new Count(v[0], v[1])));

        // Size buckets over every labelled face, small ones included, so --min-size 32 still shows what is lost below it.
        List<List<Truth>> all = images.stream().map(Image::truths).toList();
        Match allSizes = match(all, faces, null, 0);
        int[][] bucket = new int[SIZE_BUCKETS.size()][2];
        for (int i = 0; i < all.size(); i++) {
            for (int t = 0; t < all.get(i).size(); t++) {
                Truth truth = all.get(i).get(t);
                if (truth.ignored()) {
                    continue;
                }
                int b = sizeBucket(truth.box().width());
                bucket[b][0]++;
                bucket[b][1] += allSizes.matchedBy.get(i)[t] != null ? 1 : 0;
            }
        }
        Map<String, Count> bySize = new LinkedHashMap<>();
        for (int b = 0; b < SIZE_BUCKETS.size(); b++) {
            bySize.put(SIZE_BUCKETS.get(b), new Count(bucket[b][0], bucket[b][1]));
        }
        double[] sorted = scores.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int ignored = (int) truths3.stream().flatMap(List::stream).filter(Truth::ignored).count();
        return new Result(classes3, map3, classes2, map2, det.positives, det.tp, det.recall(), det.ap, det.fp,
                recallByTrueClass, bySize, sorted, matched == 0 ? 0 : (double) correct3 / matched,
                matched == 0 ? 0 : (double) correct2 / matched, confusion, ignored);
    }

    /** Index into {@link #SIZE_BUCKETS} of a face {@code width} pixels wide. */
    public static int sizeBucket(double width) {
        return width < 32 ? 0 : width < 64 ? 1 : 2;
    }

    private double perClass(List<List<Truth>> truths, List<List<Candidate>> preds, List<FaceLabel> labels,
                            Map<FaceLabel, ClassResult> out) {
        double apSum = 0;
        int apCount = 0;
        for (FaceLabel c : labels) {
            Match m = match(truths, preds, c, minSize);
            out.put(c, new ClassResult(c, m.positives, m.tp, m.fp, m.ap, m.recall(), m.precision()));
            if (m.positives > 0) {
                apSum += m.ap;
                apCount++;
            }
        }
        return apCount == 0 ? 0 : apSum / apCount;
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

    private record Ranked(int image, Candidate c) {
    }

    /** VOC matching for one class ({@code cls == null}: every face, labels ignored). */
    private Match match(List<List<Truth>> truths, List<List<Candidate>> preds, FaceLabel cls, double min) {
        Match m = new Match();
        List<Ranked> ranked = new ArrayList<>();
        for (int i = 0; i < truths.size(); i++) {
            m.matchedBy.add(new Prediction[truths.get(i).size()]);
            for (Truth t : truths.get(i)) {
                if (!t.ignored() && (cls == null || t.label() == cls)) {
                    m.positives++;
                }
            }
            for (Candidate c : preds.get(i)) {
                if (cls == null || c.label() == cls) {
                    ranked.add(new Ranked(i, c));
                }
            }
        }
        ranked.sort(Comparator.comparingDouble((Ranked r) -> r.c().confidence()).reversed());
        List<Boolean> isTp = new ArrayList<>();
        for (Ranked r : ranked) {
            List<Truth> ts = truths.get(r.image());
            Prediction[] used = m.matchedBy.get(r.image());
            Box box = r.c().p().box();
            int best = -1;
            double bestIou = -1;
            for (int t = 0; t < ts.size(); t++) {
                Truth truth = ts.get(t);
                // Other classes' faces are not candidates, except ignored ones, which absorb detections.
                if (cls != null && !truth.ignored() && truth.label() != cls) {
                    continue;
                }
                double iou = truth.box().iou(box);
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
                    used[best] = r.c().p();
                    m.tp++;
                    isTp.add(true);
                } else {
                    m.fp++;
                    isTp.add(false);
                }
            } else if (box.width() < min) {
                continue;
            } else {
                m.fp++;
                isTp.add(false);
            }
        }
        m.ap = averagePrecision(isTp, m.positives);
        return m;
    }

    /**
     * All-point interpolated AP (VOC 2010+) of detections ranked by confidence: the area under the
     * precision envelope (at each recall, the best precision at that or any higher recall).
     */
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
