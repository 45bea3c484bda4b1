package io.maskwatch.detector.bench;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import io.maskwatch.common.cli.Args;
import io.maskwatch.common.contract.Box;
import io.maskwatch.detector.CliDetectorOptions;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.eval.VocDataset;
import io.maskwatch.detector.eval.VocDataset.VocImage;
import io.maskwatch.detector.eval.VocDataset.VocObject;
import io.maskwatch.detector.face.BoxCalibration;
import io.maskwatch.detector.face.DetectedFace;
import io.maskwatch.detector.face.FaceBackends;
import io.maskwatch.detector.face.FaceDetector;
import io.maskwatch.detector.face.FlipTta;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import io.maskwatch.detector.face.LandmarkBoxModel;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Face recall of one detector configuration on a PASCAL VOC scene set, per annotated class and
 * face size, with false positives and detection time per image; no classifier. Detects once at the
 * lowest threshold asked for, then scores every threshold and downward box extension from the same
 * boxes (hard NMS makes that identical to detecting at each threshold). {@code --box dy:sw:sh,...}
 * scores box corrections ({@link BoxCalibration}) on top of the backend's own; {@code --fit} prints
 * the median correction from the detector's boxes to the annotated ones (fit it on a train split).
 *
 * <pre>
 * java -cp ... io.maskwatch.detector.bench.FaceRecallBench --voc ../shared/datasets/scenes-ilc/eval \
 *     --detector retinaface --retinaface-model ../shared/models/retinaface-mobilenet0.25.onnx \
 *     --thresholds 0.3,0.5,0.7 --box 0:1:1,0.05:1:1.1
 * </pre>
 */
public final class FaceRecallBench {
    private static final List<String> CLASSES = List.of("with_mask", "without_mask", "with_incorrect_mask");

    private record Scored(List<DetectedFace> faces) {
    }

    private FaceRecallBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args a = Args.parse(List.of(argv), CliDetectorOptions.withValue("voc", "thresholds", "box", "min-size", "limit", "fit-class",
                "label", "dump", "fit-landmarks"), Set.of("fit", "mirrored", "no-landmark-box"));
        Map<String, String> env = System.getenv();
        DetectorConfig c = CliDetectorOptions.from(a, env);
        double[] thresholds = a.has("thresholds") ? doubles(a.get("thresholds")) : new double[] {c.effectiveFaceScoreThreshold()};
        List<BoxCalibration> boxes = a.has("box") ? Arrays.stream(a.get("box").split(",")).map(FaceRecallBench::box).toList()
                : List.of(BoxCalibration.NONE);
        double minSize = a.doubleValue("min-size", 32);
        List<VocImage> images = VocDataset.read(Path.of(a.required("voc")));
        int limit = a.intValue("limit", images.size());
        images = images.subList(0, Math.min(limit, images.size()));
        opencv_core.setNumThreads(c.opencvThreads());
        DetectorConfig collect = c.with("face-score-threshold", Arrays.stream(thresholds).min().orElseThrow());
        List<List<DetectedFace>> found = new ArrayList<>();
        long nanos = 0;
        // Fitting a landmark box model: on the boxes it will correct, i.e. without the current one.
        boolean landmarkBox = !a.has("fit-landmarks") && !a.has("no-landmark-box");
        try (FaceDetector d = FaceBackends.create(collect, env, landmarkBox)) {
            for (VocImage im : images) {
                try (Mat bgr = imread(im.image().toString())) {
                    if (bgr.empty()) {
                        throw new IllegalArgumentException("cannot read image " + im.image());
                    }
                    long t0 = System.nanoTime();
                    // --mirrored: the detector on the mirrored image only, boxes mapped back (flip TTA analysis)
                    found.add(a.has("mirrored") ? FlipTta.detectMirrored(d, bgr) : d.detect(bgr));
                    nanos += System.nanoTime() - t0;
                }
            }
        }
        String label = a.get("label", c.backend() + (c.tiling().activeFor(c.backend()) ? " tiled" : ""));
        double ms = nanos / 1e6 / images.size();
        if (a.has("dump")) {
            dump(Path.of(a.get("dump")), images, found);
        }
        if (a.has("fit-landmarks")) {
            fitLandmarks(Path.of(a.get("fit-landmarks")), a.get("voc"), images, found, c.effectiveFaceScoreThreshold(),
                    minSize, label, ms);
        }
        if (a.has("fit")) {
            System.out.println("box fit (dy:sw:sh, medians over faces >= " + (int) minSize + " px matched at IoU >= 0.3): "
                    + fit(images, found, c.effectiveFaceScoreThreshold(), minSize, a.get("fit-class", "")));
        }
        System.out.println("| variant | thr | box dy:sw:sh | R@.5 >=" + (int) minSize + " | mask | no_mask | incorrect | R@.4 | <32 | 32-64"
                + " | >=64 | FP/img | ms/img |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (double t : thresholds) {
            for (BoxCalibration b : boxes) {
                System.out.println(row(label, t, b, images, found, minSize, ms));
            }
        }
    }

    private static String row(String label, double threshold, BoxCalibration calibration, List<VocImage> images,
                              List<List<DetectedFace>> found, double minSize, double ms) {
        return row(label, threshold, str(calibration), f -> calibration.apply(f.box()), images, found, minSize, ms);
    }

    private static String row(String label, double threshold, String boxLabel, Function<DetectedFace, Box> boxOf,
                              List<VocImage> images, List<List<DetectedFace>> found, double minSize, double ms) {
        // counts[0] = truths, counts[1] = found at 0.5; per class, then at 0.4, then per size bucket
        int[][] cls = new int[CLASSES.size()][2];
        int[] all5 = new int[2], all4 = new int[2];
        int[][] size = new int[3][2];
        int fp = 0;
        for (int i = 0; i < images.size(); i++) {
            List<Box> preds = found.get(i).stream().filter(f -> f.score() >= threshold)
                    .sorted(Comparator.comparingDouble(DetectedFace::score).reversed())
                    .map(boxOf).toList();
            List<VocObject> truths = images.get(i).objects();
            boolean[] m5 = match(preds, truths, 0.5, null);
            boolean[] m4 = match(preds, truths, 0.4, null);
            boolean[] usedPred = new boolean[preds.size()];
            match(preds, truths, 0.5, usedPred);
            for (boolean u : usedPred) {
                fp += u ? 0 : 1;
            }
            for (int t = 0; t < truths.size(); t++) {
                VocObject o = truths.get(t);
                if (o.difficult()) {
                    continue;
                }
                double fw = o.box().width();
                int bucket = fw < 32 ? 0 : fw < 64 ? 1 : 2;
                size[bucket][0]++;
                size[bucket][1] += m5[t] ? 1 : 0;
                if (fw < minSize) {
                    continue;
                }
                all5[0]++;
                all5[1] += m5[t] ? 1 : 0;
                all4[0]++;
                all4[1] += m4[t] ? 1 : 0;
                int k = CLASSES.indexOf(o.name());
                if (k >= 0) {
                    cls[k][0]++;
                    cls[k][1] += m5[t] ? 1 : 0;
                }
            }
        }
        return String.format(Locale.ROOT, "| %s | %.2f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f | %.0f |",
                label, threshold, boxLabel, r(all5), r(cls[0]), r(cls[1]), r(cls[2]), r(all4), r(size[0]), r(size[1]),
                r(size[2]), (double) fp / images.size(), ms);
    }

    private static String r(int[] c) {
        return c[0] == 0 ? "-" : String.format(Locale.ROOT, "%.3f", (double) c[1] / c[0]);
    }

    /** Greedy matching, best score first: which truths are found (and, if given, which predictions matched). */
    private static boolean[] match(List<Box> preds, List<VocObject> truths, double iou, boolean[] usedPred) {
        boolean[] taken = new boolean[truths.size()];
        for (int p = 0; p < preds.size(); p++) {
            int best = -1;
            double bestIou = iou;
            for (int t = 0; t < truths.size(); t++) {
                double v = taken[t] ? -1 : preds.get(p).iou(truths.get(t).box());
                if (v >= bestIou) {
                    best = t;
                    bestIou = v;
                }
            }
            if (best >= 0) {
                taken[best] = true;
                if (usedPred != null) {
                    usedPred[p] = true;
                }
            }
        }
        return taken;
    }

    /** {@code dy:sw:sh}, e.g. {@code 0.05:1:1.1}. */
    private static BoxCalibration box(String spec) {
        String[] p = spec.trim().split(":");
        if (p.length != 3) {
            throw new IllegalArgumentException("--box takes dy:sw:sh[,dy:sw:sh...], got '" + spec + "'");
        }
        return new BoxCalibration(Double.parseDouble(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2]));
    }

    private static String str(BoxCalibration b) {
        return String.format(Locale.ROOT, "%.3f:%.3f:%.3f", b.shiftY(), b.scaleW(), b.scaleH());
    }

    /** Median correction that maps the detector's boxes onto the annotated ones. */
    private static String fit(List<VocImage> images, List<List<DetectedFace>> found, double threshold, double minSize,
                              String onlyClass) {
        List<Double> dy = new ArrayList<>(), sw = new ArrayList<>(), sh = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            for (VocObject o : images.get(i).objects()) {
                if (o.box().width() < minSize || !(onlyClass.isEmpty() || onlyClass.equals(o.name()))) {
                    continue;
                }
                found.get(i).stream().filter(f -> f.score() >= threshold)
                        .max(Comparator.comparingDouble(f -> f.box().iou(o.box())))
                        .filter(f -> f.box().iou(o.box()) >= 0.3).ifPresent(f -> {
                            dy.add((o.box().centerY() - f.box().centerY()) / f.box().height());
                            sw.add(o.box().width() / f.box().width());
                            sh.add(o.box().height() / f.box().height());
                        });
            }
        }
        return String.format(Locale.ROOT, "%.3f:%.3f:%.3f (n=%d)", median(dy), median(sw), median(sh), dy.size());
    }

    /** Ridge penalty of the landmark box fit (features are fractions of the box, ~0..1). */
    private static final double LANDMARK_LAMBDA = 0.1;

    /**
     * Fits a {@link LandmarkBoxModel} on matched pairs (best detection above the threshold, IoU >= 0.3,
     * faces >= minSize): first a 2-fold check (fit on even images, score odd ones and vice versa,
     * rows before/after), then on all images, written to {@code out} with its provenance.
     */
    private static void fitLandmarks(Path out, String voc, List<VocImage> images, List<List<DetectedFace>> found,
                                     double threshold, double minSize, String label, double ms) throws java.io.IOException {
        for (int fold = 0; fold < 2; fold++) {
            int held = fold;
            List<Integer> train = new ArrayList<>(), test = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                (i % 2 == held ? test : train).add(i);
            }
            LandmarkBoxModel m = fitOn(train, images, found, threshold, minSize);
            List<VocImage> ti = test.stream().map(images::get).toList();
            List<List<DetectedFace>> tf = test.stream().map(found::get).toList();
            System.out.println("fold " + (fold + 1) + "/2, fitted on " + train.size() + " images, scored on the other "
                    + test.size() + ":");
            System.out.println(row(label, threshold, "as detected", DetectedFace::box, ti, tf, minSize, ms));
            System.out.println(row(label, threshold, "landmark fit", m::apply, ti, tf, minSize, ms));
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            all.add(i);
        }
        LandmarkBoxModel m = fitOn(all, images, found, threshold, minSize);
        java.nio.file.Files.writeString(out, m.format(List.of(
                "Landmark box model for " + label + " (io.maskwatch.detector.face.LandmarkBoxModel): 12 features x 4 targets.",
                "Fitted by FaceRecallBench --fit-landmarks on " + voc + " (" + images.size() + " images, faces >= "
                        + (int) minSize + " px matched at IoU >= 0.3, detector threshold " + threshold + ", ridge "
                        + LANDMARK_LAMBDA + ").")));
        System.out.println("landmark box model written to " + out);
    }

    private static LandmarkBoxModel fitOn(List<Integer> idx, List<VocImage> images, List<List<DetectedFace>> found,
                                          double threshold, double minSize) {
        List<DetectedFace> det = new ArrayList<>();
        List<Box> truth = new ArrayList<>();
        for (int i : idx) {
            for (VocObject o : images.get(i).objects()) {
                if (o.box().width() < minSize) {
                    continue;
                }
                found.get(i).stream().filter(f -> f.score() >= threshold && f.landmarks().length == 10)
                        .max(Comparator.comparingDouble(f -> f.box().iou(o.box())))
                        .filter(f -> f.box().iou(o.box()) >= 0.3).ifPresent(f -> {
                            det.add(f);
                            truth.add(o.box());
                        });
            }
        }
        return LandmarkBoxModel.fit(det, truth, LANDMARK_LAMBDA);
    }

    /**
     * Writes the annotations and every detection (box, score, landmarks) as tab-separated lines for
     * offline error analysis: {@code I idx width height path}, {@code T idx class difficult x1 y1 x2 y2},
     * {@code D idx score x1 y1 x2 y2 [landmark x,y ...]}.
     */
    private static void dump(Path file, List<VocImage> images, List<List<DetectedFace>> found) throws java.io.IOException {
        try (java.io.PrintWriter out = new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(file))) {
            for (int i = 0; i < images.size(); i++) {
                VocImage im = images.get(i);
                out.printf(Locale.ROOT, "I\t%d\t%d\t%d\t%s%n", i, im.width(), im.height(), im.image());
                for (VocObject o : im.objects()) {
                    Box b = o.box();
                    out.printf(Locale.ROOT, "T\t%d\t%s\t%b\t%.2f\t%.2f\t%.2f\t%.2f%n", i, o.name(), o.difficult(),
                            b.x1(), b.y1(), b.x2(), b.y2());
                }
                for (DetectedFace f : found.get(i)) {
                    Box b = f.box();
                    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "D\t%d\t%.4f\t%.2f\t%.2f\t%.2f\t%.2f",
                            i, f.score(), b.x1(), b.y1(), b.x2(), b.y2()));
                    for (float v : f.landmarks()) {
                        sb.append(String.format(Locale.ROOT, "\t%.2f", v));
                    }
                    out.println(sb);
                }
            }
        }
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = v.stream().sorted().toList();
        return s.get(s.size() / 2);
    }

    private static double[] doubles(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
    }
}
