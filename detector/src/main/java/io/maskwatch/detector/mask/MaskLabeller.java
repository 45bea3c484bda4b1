package io.maskwatch.detector.mask;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import io.maskwatch.common.config.ConfigException;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.model.Classification;
import io.maskwatch.model.MaskClassifier;
import io.maskwatch.model.ModelLoadException;
import io.maskwatch.model.RgbImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The mask classifier as the detector uses it: BGR face crops in, labels with probabilities keyed
 * by wire name (and optionally class activation maps) out, all crops of a batch in one call.
 */
public final class MaskLabeller implements AutoCloseable {
    /**
     * One face's verdict; {@code score} is the classifier's probability of {@code label} (given a
     * face; see {@link FaceConfidence} for the reported score). {@code cam} is null unless requested.
     */
    public record Verdict(FaceLabel label, double score, Map<String, Double> probabilities,
                          float[] cam, int camWidth, int camHeight) {
    }

    private final MaskClassifier classifier;
    private final List<FaceLabel> labels;

    public MaskLabeller(MaskClassifier classifier) {
        this.classifier = classifier;
        this.labels = ClassifierLabels.of(classifier.classes());
    }

    /**
     * Sets the process-wide native thread counts of the config (PyTorch only before its engine
     * starts, and only when not given with -Dai.djl.pytorch.num_threads) and loads the classifier
     * from {@code detector.models-dir}.
     */
    public static MaskLabeller load(io.maskwatch.detector.DetectorConfig c) {
        applyThreads(c);
        return load(io.maskwatch.detector.DetectorConfig.resolveHome(c.modelsDir()));
    }

    /** Applies {@code opencv-threads} and {@code classifier-threads}. */
    public static void applyThreads(io.maskwatch.detector.DetectorConfig c) {
        if (c.classifierThreads() > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            // Several PyTorch threads per core contending with detection threads (or other pods) were
            // 5-10x slower than one: OpenMP workers spin while waiting for a core.
            System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(c.classifierThreads()));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        if (c.opencvThreads() > 0) {
            org.bytedeco.opencv.global.opencv_core.setNumThreads(c.opencvThreads());
        }
    }

    /**
     * Loads the classifier from {@code modelDir}.
     *
     * @throws ConfigException naming detector.models-dir and what is wrong with it
     */
    public static MaskLabeller load(Path modelDir) {
        try {
            return new MaskLabeller(MaskClassifier.load(modelDir));
        } catch (ModelLoadException e) {
            throw new ConfigException("detector.models-dir: " + e.getMessage());
        }
    }

    public String modelId() {
        return classifier.modelId();
    }

    /** The classifier's labels in output order (2 or 3 of mask, no_mask, incorrect). */
    public List<FaceLabel> labels() {
        return labels;
    }

    public int inputSize() {
        return classifier.inputSize();
    }

    /** Classifies BGR crops in one batch. */
    public List<Verdict> classify(List<Mat> cropsBgr, boolean withCam) {
        List<RgbImage> images = new ArrayList<>(cropsBgr.size());
        for (Mat m : cropsBgr) {
            images.add(toRgb(m));
        }
        List<Classification> results = classifier.classify(images, withCam);
        List<Verdict> out = new ArrayList<>(results.size());
        for (Classification c : results) {
            Map<String, Double> probs = new LinkedHashMap<>();
            for (int i = 0; i < labels.size(); i++) {
                probs.put(labels.get(i).wireName(), Double.valueOf(c.probabilities()[i]));
            }
            var cam = c.cam();
            out.add(new Verdict(labels.get(c.predicted()), c.probabilities()[c.predicted()], probs,
                    cam == null ? null : cam.values(), cam == null ? 0 : cam.width(), cam == null ? 0 : cam.height()));
        }
        return out;
    }

    /** An 8-bit BGR mat as the model's interleaved RGB image. */
    public static RgbImage toRgb(Mat bgr) {
        try (Mat rgb = new Mat()) {
            cvtColor(bgr, rgb, COLOR_BGR2RGB);
            Mat cont = rgb.isContinuous() ? rgb : rgb.clone();
            byte[] px = new byte[cont.cols() * cont.rows() * 3];
            cont.data().get(px);
            if (cont != rgb) {
                cont.close();
            }
            return new RgbImage(rgb.cols(), rgb.rows(), px);
        }
    }

    @Override
    public void close() {
        classifier.close();
    }
}
