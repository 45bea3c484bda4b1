package io.maskwatch.detector.face;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.maskwatch.common.contract.Box;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * RetinaFace with a MobileNet-0.25 backbone (Pytorch_Retinaface ONNX export), on either
 * {@link InferenceEngine}.
 * Input: the frame letterboxed into 640x640 BGR minus (104, 117, 123) (the export's convention;
 * padding is the mean colour, i.e. zero after subtraction); on ONNX Runtime the input is cut to
 * the frame's aspect ({@link RetinaFaceAnySize}: 640x384 for 16:9, 40% less work), on OpenCV
 * it stays 640x640 (the export's declared size). Outputs loc [1,N,4], conf [1,N,2] (softmaxed) and
 * landmarks [1,N,10] against {@link #priors}. Returns 5 landmarks: eyes, nose, mouth corners.
 */
public final class RetinaFaceDetector implements FaceDetector {
    public static final int INPUT = 640;
    private static final int[] STEPS = {8, 16, 32};
    private static final int[][] MIN_SIZES = {{16, 32}, {64, 128}, {256, 512}};
    private static final double VAR_CENTER = 0.1;
    private static final double VAR_SIZE = 0.2;
    static final double NMS_IOU = 0.4;
    private static final double[] MEAN = {104, 117, 123};

    /** Input sides are rounded up to this: the strides (8, 16, 32) divide it; a 16:9 frame runs at 640x384. */
    static final int SIDE_STEP = 32;

    private final FaceNet net;
    private final boolean anySize;
    private final double threshold;
    /** Priors by input size (width << 16 | height): a few sizes per camera network or photo set. */
    private final Map<Integer, float[]> priorsByInput = new HashMap<>();

    /**
     * @param net     the network
     * @param anySize whether it takes inputs other than 640x640 (ONNX Runtime with the export
     *                rewritten, {@link RetinaFaceAnySize}); else every frame is letterboxed into 640x640
     */
    RetinaFaceDetector(FaceNet net, boolean anySize, double threshold) {
        this.net = net;
        this.anySize = anySize;
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return "retinaface";
    }

    /** Priors (cx, cy, w, h as fractions of the input) in the export's order: level, row, column, size. */
    static float[] priors(int width, int height) {
        List<float[]> out = new ArrayList<>();
        for (int k = 0; k < STEPS.length; k++) {
            int step = STEPS[k];
            int rows = (int) Math.ceil((double) height / step), cols = (int) Math.ceil((double) width / step);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    for (int s : MIN_SIZES[k]) {
                        out.add(new float[] {(j + 0.5f) * step / width, (i + 0.5f) * step / height,
                                (float) s / width, (float) s / height});
                    }
                }
            }
        }
        float[] flat = new float[out.size() * 4];
        for (int i = 0; i < out.size(); i++) {
            System.arraycopy(out.get(i), 0, flat, i * 4, 4);
        }
        return flat;
    }

    /** The input side for a letterboxed side of {@code scaled} pixels (at least 64, at most 640). */
    static int inputSide(int scaled) {
        return Math.max(2 * SIDE_STEP, Math.min(INPUT, (scaled + SIDE_STEP - 1) / SIDE_STEP * SIDE_STEP));
    }

    @Override
    public List<DetectedFace> detect(Mat bgr) {
        int w = bgr.cols(), h = bgr.rows();
        double scale = (double) INPUT / Math.max(w, h);
        int sw = Math.max(1, Math.min(INPUT, (int) Math.round(w * scale)));
        int sh = Math.max(1, Math.min(INPUT, (int) Math.round(h * scale)));
        int iw = anySize ? inputSide(sw) : INPUT, ih = anySize ? inputSide(sh) : INPUT;
        float[] priors = priorsByInput.computeIfAbsent(iw << 16 | ih, k -> priors(iw, ih));
        float[] loc = null, conf = null, lms = null;
        // Top-left placement: no offset to undo, and the padding is the mean colour.
        try (Mat canvas = new Mat(ih, iw, bgr.type(), new Scalar(MEAN[0], MEAN[1], MEAN[2], 0));
             Mat roi = new Mat(canvas, new Rect(0, 0, sw, sh))) {
            resize(bgr, roi, new Size(sw, sh), 0, 0, scale < 1 ? INTER_AREA : INTER_LINEAR);
            try (Mat blob = blobFromImage(canvas, 1.0, new Size(iw, ih),
                    new Scalar(MEAN[0], MEAN[1], MEAN[2], 0), false, false, CV_32F)) {
                for (FaceNet.Output o : net.run(blob)) {
                    switch ((int) o.lastDimension()) {
                        case 4 -> loc = o.values();
                        case 2 -> conf = o.values();
                        case 10 -> lms = o.values();
                        default -> { }
                    }
                }
            }
        }
        if (loc == null || conf == null || lms == null || loc.length != priors.length) {
            throw new IllegalStateException("RetinaFace model outputs are not loc [1," + priors.length / 4
                    + ",4], conf [.,.,2] and landmarks [.,.,10] for a " + iw + "x" + ih + " input");
        }
        return decode(loc, conf, lms, priors, threshold, iw / scale, ih / scale, w, h);
    }

    /**
     * Decodes the boxes above the threshold (RetinaFace's prior box coding), maps them to frame
     * pixels ({@code unitX}, {@code unitY} = frame pixels per input width / height) and applies NMS.
     */
    static List<DetectedFace> decode(float[] loc, float[] conf, float[] lms, float[] priors, double threshold,
                                     double unitX, double unitY, int w, int h) {
        List<DetectedFace> candidates = new ArrayList<>();
        int n = priors.length / 4;
        for (int i = 0; i < n; i++) {
            float score = conf[i * 2 + 1];
            if (score < threshold) {
                continue;
            }
            double pcx = priors[i * 4], pcy = priors[i * 4 + 1], pw = priors[i * 4 + 2], ph = priors[i * 4 + 3];
            double cx = pcx + loc[i * 4] * VAR_CENTER * pw;
            double cy = pcy + loc[i * 4 + 1] * VAR_CENTER * ph;
            double bw = pw * Math.exp(loc[i * 4 + 2] * VAR_SIZE);
            double bh = ph * Math.exp(loc[i * 4 + 3] * VAR_SIZE);
            Box box = new Box((cx - bw / 2) * unitX, (cy - bh / 2) * unitY, (cx + bw / 2) * unitX, (cy + bh / 2) * unitY);
            float[] lm = new float[10];
            for (int k = 0; k < 5; k++) {
                lm[2 * k] = (float) ((pcx + lms[i * 10 + 2 * k] * VAR_CENTER * pw) * unitX);
                lm[2 * k + 1] = (float) ((pcy + lms[i * 10 + 2 * k + 1] * VAR_CENTER * ph) * unitY);
            }
            candidates.add(new DetectedFace(box, score, lm).clampedTo(w, h));
        }
        return Nms.hard(candidates, NMS_IOU);
    }

    @Override
    public void close() {
        net.close();
    }
}
