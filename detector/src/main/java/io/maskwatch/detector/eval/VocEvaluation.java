package io.maskwatch.detector.eval;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskwatch.common.contract.Face;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.detector.eval.DetectionEvaluator.ClassResult;
import io.maskwatch.detector.eval.DetectionEvaluator.Count;
import io.maskwatch.detector.eval.DetectionEvaluator.Prediction;
import io.maskwatch.detector.eval.DetectionEvaluator.Truth;
import io.maskwatch.detector.eval.VocDataset.VocImage;
import io.maskwatch.detector.eval.VocDataset.VocObject;
import io.maskwatch.detector.pipeline.FramePipeline;
import io.maskwatch.detector.pipeline.FrameResult;
import io.maskwatch.detector.pipeline.Stage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.bytedeco.opencv.opencv_core.Mat;

/** Runs a pipeline over a VOC directory and scores it with {@link DetectionEvaluator}. */
public final class VocEvaluation {
    private static final double[] QUANTILES = {0.05, 0.10, 0.25, 0.50, 0.75, 0.90};

    private VocEvaluation() {
    }

    /**
     * The metrics plus how the run went.
     *
     * @param classifierLabels the classifier's classes; without incorrect, incorrect AP is 0 (it never predicts it)
     * @param detectMs         total time in the face detector
     * @param classifyMs       total time in the classifier, over {@code classifiedFaces} faces
     */
    public record Report(DetectionEvaluator.Result result, int images, double seconds, String detector, String model,
                         List<FaceLabel> classifierLabels, double minSize, double iou, double detectMs,
                         double classifyMs, long classifiedFaces) {

        public boolean classifierKnowsIncorrect() {
            return classifierLabels.contains(FaceLabel.INCORRECT);
        }

        public double msPerImage() {
            return images == 0 ? 0 : seconds * 1000 / images;
        }

        public String format() {
            DetectionEvaluator.Result r = result;
            StringBuilder sb = new StringBuilder();
            sb.append(f("%d images, detector %s, classifier %s (%s), faces >= %.0f px, IoU %.2f%n", images, detector,
                    model, classifierLabels.stream().map(FaceLabel::wireName).collect(Collectors.joining("/")), minSize, iou));
            sb.append("3-class view (incorrect is its own class)\n");
            table(sb, r.classes3());
            if (!classifierKnowsIncorrect()) {
                sb.append("  (the classifier has no 'incorrect' class: incorrect AP is 0 and counts in the 3-class mAP)\n");
            }
            sb.append(f("mAP@0.5 3-class %.3f%n", r.map3()));
            sb.append("2-class view (incorrect counted as no_mask; prediction P(no_mask) + P(incorrect))\n");
            table(sb, r.classes2());
            sb.append(f("mAP@0.5 2-class %.3f%n", r.map2()));
            sb.append(f("face detection: recall %.3f (%d of %d scored faces), AP %.3f, %d false positives, %d ignored faces%n",
                    r.faceRecall(), r.detectedFaces(), r.scoredFaces(), r.faceAp(), r.faceFalsePositives(), r.ignoredTruths()));
            sb.append("  recall by true class:");
            r.recallByTrueClass().forEach((k, c) -> sb.append(f("  %s %s", k.wireName(), count(c))));
            sb.append("\n  recall by face width, all labelled faces (--min-size not applied):");
            r.recallBySize().forEach((k, c) -> sb.append(f("  %s px %s", k, count(c))));
            sb.append("\n  face score of detected true faces:");
            for (double q : QUANTILES) {
                sb.append(f("  p%.0f %.3f", q * 100, r.faceScoreQuantile(q)));
            }
            sb.append(f("%nclassification of detected faces: accuracy 3-class %.3f, 2-class %.3f%n", r.accuracy3(),
                    r.accuracy2()));
            sb.append(f("confusion (rows true, columns predicted)%n  %-9s %6s %7s %9s%n", "", "mask", "no_mask", "incorrect"));
            for (FaceLabel t : FaceLabel.values()) {
                int[] row = r.confusion()[t.ordinal()];
                sb.append(f("  %-9s %6d %7d %9d%n", t.wireName(), row[0], row[1], row[2]));
            }
            sb.append(f("time: %.1f s, %.1f ms/image (read + detect + classify); detect %.1f ms/image, classify %.1f ms/face%n",
                    seconds, msPerImage(), images == 0 ? 0 : detectMs / images,
                    classifiedFaces == 0 ? 0 : classifyMs / classifiedFaces));
            return sb.toString();
        }

        private static void table(StringBuilder sb, Map<FaceLabel, ClassResult> classes) {
            sb.append(f("  %-9s %6s %6s %6s %8s %8s %8s%n", "class", "faces", "TP", "FP", "AP@0.5", "recall", "precis."));
            for (ClassResult c : classes.values()) {
                sb.append(f("  %-9s %6d %6d %6d %8.3f %8.3f %8.3f%n", c.label().wireName(), c.truths(), c.truePositives(),
                        c.falsePositives(), c.ap(), c.recall(), c.precision()));
            }
        }

        private static String count(Count c) {
            return c.faces() == 0 ? "n/a (0 faces)" : f("%.3f (%d/%d)", c.recall(), c.found(), c.faces());
        }

        /** The same report as JSON (numbers unrounded; NaN as null). */
        public String toJson() {
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            DetectionEvaluator.Result r = result;
            ObjectNode root = m.createObjectNode();
            root.put("images", images).put("detector", detector).put("model", model).put("min_size", minSize).put("iou", iou);
            ArrayNode cl = root.putArray("classifier_classes");
            classifierLabels.forEach(l -> cl.add(l.wireName()));
            root.put("incorrect_ap_note", classifierKnowsIncorrect() ? "predicted by the classifier"
                    : "the classifier has no incorrect class: incorrect AP is 0 and counts in map_3class");
            ObjectNode ap = root.putObject("ap");
            r.classes3().forEach((k, c) -> ap.put(k.wireName(), c.ap()));
            root.put("map_3class", r.map3());
            root.put("map_2class", r.map2());
            classes(root.putObject("classes_3class"), r.classes3());
            classes(root.putObject("classes_2class"), r.classes2());
            ObjectNode fd = root.putObject("face_detection");
            fd.put("recall", r.faceRecall()).put("ap", r.faceAp()).put("scored_faces", r.scoredFaces())
                    .put("detected_faces", r.detectedFaces()).put("false_positives", r.faceFalsePositives())
                    .put("ignored_faces", r.ignoredTruths());
            ObjectNode byClass = fd.putObject("recall_by_true_class");
            r.recallByTrueClass().forEach((k, c) -> count(byClass.putObject(k.wireName()), c));
            ObjectNode bySize = fd.putObject("recall_by_face_width_all_sizes");
            r.recallBySize().forEach((k, c) -> count(bySize.putObject(k), c));
            ObjectNode fs = fd.putObject("true_face_score_quantiles");
            for (double q : QUANTILES) {
                num(fs, f("p%.0f", q * 100), r.faceScoreQuantile(q));
            }
            ObjectNode cls = root.putObject("classification");
            cls.put("accuracy_3class", r.accuracy3()).put("accuracy_2class", r.accuracy2());
            ObjectNode conf = cls.putObject("confusion");
            for (FaceLabel t : FaceLabel.values()) {
                ObjectNode row = conf.putObject(t.wireName());
                for (FaceLabel p : FaceLabel.values()) {
                    row.put(p.wireName(), r.confusion()[t.ordinal()][p.ordinal()]);
                }
            }
            ObjectNode time = root.putObject("timing");
            time.put("seconds", seconds).put("ms_per_image", msPerImage())
                    .put("detect_ms_per_image", images == 0 ? 0 : detectMs / images)
                    .put("classify_ms_per_face", classifiedFaces == 0 ? 0 : classifyMs / classifiedFaces);
            try {
                return m.writeValueAsString(root) + "\n";
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void classes(ObjectNode node, Map<FaceLabel, ClassResult> classes) {
            classes.forEach((k, c) -> node.putObject(k.wireName()).put("faces", c.truths()).put("tp", c.truePositives())
                    .put("fp", c.falsePositives()).put("ap", c.ap()).put("recall", c.recall()).put("precision", c.precision()));
        }

        private static void count(ObjectNode node, Count c) {
            node.put("faces", c.faces()).put("found", c.found());
            num(node, "recall", c.recall());
        }

        private static void num(ObjectNode node, String key, double v) {
            if (Double.isNaN(v)) {
                node.putNull(key);
            } else {
                node.put(key, v);
            }
        }
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /**
     * Scores {@code pipeline} on every image of {@code vocDir}.
     *
     * @param times the pipeline's stage listener (for ms per stage), or null
     * @throws IOException for an unreadable set, an unreadable image, or object names {@code labels} does not know
     */
    public static Report run(Path vocDir, FramePipeline pipeline, double iou, double minSize, VocLabels labels,
                             int batchSize, StageTimes times, PrintStream progress) throws IOException {
        return run(VocDataset.read(vocDir), pipeline, iou, minSize, labels, batchSize, times, progress);
    }

    /** As {@link #run(Path, FramePipeline, double, double, VocLabels, int, StageTimes, PrintStream)} on a set already read. */
    public static Report run(List<VocImage> set, FramePipeline pipeline, double iou, double minSize, VocLabels labels,
                             int batchSize, StageTimes times, PrintStream progress) throws IOException {
        labels.requireKnown(set);
        List<DetectionEvaluator.Image> images = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int start = 0; start < set.size(); start += batchSize) {
            List<VocImage> chunk = set.subList(start, Math.min(set.size(), start + batchSize));
            List<Mat> mats = new ArrayList<>();
            try {
                for (VocImage vi : chunk) {
                    Mat m = imread(vi.image().toString(), IMREAD_COLOR);
                    if (m == null || m.empty()) {
                        throw new IOException("cannot read image " + vi.image());
                    }
                    mats.add(m);
                }
                List<FrameResult> results = pipeline.processDecoded(mats);
                for (int i = 0; i < chunk.size(); i++) {
                    images.add(new DetectionEvaluator.Image(truths(chunk.get(i), labels), predictions(results.get(i))));
                }
            } finally {
                mats.forEach(Mat::close);
            }
            int done = Math.min(set.size(), start + batchSize);
            if (progress != null && (done % 50 < batchSize || done == set.size())) {
                progress.printf("eval: %d/%d images%n", done, set.size());
            }
        }
        DetectionEvaluator.Result r = new DetectionEvaluator(iou, minSize).evaluate(images);
        return new Report(r, set.size(), (System.nanoTime() - t0) / 1e9, pipeline.detectorName(), pipeline.modelId(),
                pipeline.classifierLabels(), minSize, iou, times == null ? 0 : times.millis(Stage.DETECT),
                times == null ? 0 : times.millis(Stage.CLASSIFY), times == null ? 0 : times.items(Stage.CLASSIFY));
    }

    static List<Truth> truths(VocImage vi, VocLabels labels) {
        List<Truth> out = new ArrayList<>();
        for (VocObject o : vi.objects()) {
            out.add(new Truth(o.box(), o.difficult() ? null : labels.label(o.name()).orElse(null)));
        }
        return out;
    }

    static List<Prediction> predictions(FrameResult r) {
        List<Prediction> out = new ArrayList<>();
        for (Face f : r.faces()) {
            Map<FaceLabel, Double> probs = new EnumMap<>(FaceLabel.class);
            for (FaceLabel l : FaceLabel.values()) {
                Double p = f.probabilities().get(l.wireName());
                if (p != null) {
                    probs.put(l, p);
                }
            }
            // Face.score is already the joint confidence (FaceConfidence), ranked as is.
            out.add(new Prediction(f.box(), f.faceScore(), f.label(), f.score(), probs));
        }
        return out;
    }
}
