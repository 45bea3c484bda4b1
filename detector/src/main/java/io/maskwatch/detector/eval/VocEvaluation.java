package io.maskwatch.detector.eval;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import io.maskwatch.common.contract.Face;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.detector.eval.DetectionEvaluator.Prediction;
import io.maskwatch.detector.eval.DetectionEvaluator.Truth;
import io.maskwatch.detector.eval.VocDataset.VocImage;
import io.maskwatch.detector.eval.VocDataset.VocObject;
import io.maskwatch.detector.eval.VocLabels.IncorrectPolicy;
import io.maskwatch.detector.pipeline.FramePipeline;
import io.maskwatch.detector.pipeline.FrameResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.opencv.opencv_core.Mat;

/** Runs a pipeline over a VOC directory and scores it with {@link DetectionEvaluator}. */
public final class VocEvaluation {
    private VocEvaluation() {
    }

    /** The metrics plus what was seen on the way. */
    public record Report(DetectionEvaluator.Result result, int images, Map<String, Integer> unknownNames,
                         double seconds, String detector, String model, double minSize) {
        public String format() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(java.util.Locale.ROOT, "%d images, detector %s, classifier %s, faces >= %.0f px, %.1f s%n",
                    images, detector, model, minSize, seconds));
            if (!unknownNames.isEmpty()) {
                sb.append("not scored (unknown VOC names): ").append(unknownNames).append('\n');
            }
            return sb.append(result.format()).toString();
        }
    }

    public static Report run(Path vocDir, FramePipeline pipeline, double iou, double minSize, IncorrectPolicy incorrect,
                             int batchSize, PrintStream progress) throws IOException {
        List<VocImage> set = VocDataset.read(vocDir);
        Map<String, Integer> unknown = new TreeMap<>();
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
                    images.add(new DetectionEvaluator.Image(truths(chunk.get(i), incorrect, unknown),
                            predictions(results.get(i))));
                }
            } finally {
                mats.forEach(Mat::close);
            }
            if (progress != null) {
                progress.printf("eval: %d/%d images%n", Math.min(set.size(), start + batchSize), set.size());
            }
        }
        DetectionEvaluator.Result r = new DetectionEvaluator(iou, minSize).evaluate(images);
        return new Report(r, set.size(), unknown, (System.nanoTime() - t0) / 1e9, pipeline.detectorName(),
                pipeline.modelId(), minSize);
    }

    static List<Truth> truths(VocImage vi, IncorrectPolicy incorrect, Map<String, Integer> unknown) {
        List<Truth> out = new ArrayList<>();
        for (VocObject o : vi.objects()) {
            if (VocLabels.of(o.name()).isEmpty()) {
                unknown.merge(o.name(), 1, Integer::sum);
            }
            FaceLabel l = o.difficult() ? null : VocLabels.scored(o.name(), incorrect).orElse(null);
            out.add(new Truth(o.box(), l));
        }
        return out;
    }

    static List<Prediction> predictions(FrameResult r) {
        List<Prediction> out = new ArrayList<>();
        for (Face f : r.faces()) {
            out.add(new Prediction(f.box(), f.faceScore(), f.label(), f.score()));
        }
        return out;
    }
}
