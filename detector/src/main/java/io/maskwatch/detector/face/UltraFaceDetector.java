package io.maskwatch.detector.face;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;

import io.maskwatch.common.contract.Box;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Ultra-Light-Fast-Generic-Face-Detector RFB-640 "masked face" v2 (trained on WIDER FACE + MAFA), on
 * either {@link InferenceEngine}. Input: the frame stretched to 640x480 RGB, (x - 127) / 128, as the model was trained.
 * Outputs {@code boxes} [1,N,4] (x1, y1, x2, y2 as fractions of the frame, already decoded) and
 * {@code scores} [1,N,3] (background, face, masked_face); the face score is face + masked_face, so
 * a masked face is not lost between the two classes. No landmarks.
 */
public final class UltraFaceDetector implements FaceDetector {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 480;
    /** As in the project's reference post-processing (hard NMS at 0.3). */
    static final double NMS_IOU = 0.3;
    private static final Scalar MEAN = new Scalar(127.0, 127.0, 127.0, 0.0);

    private final FaceNet net;
    private final double threshold;

    UltraFaceDetector(FaceNet net, double threshold) {
        this.net = net;
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return "ultraface";
    }

    @Override
    public List<DetectedFace> detect(Mat bgr) {
        int w = bgr.cols(), h = bgr.rows();
        float[] boxes = null, scores = null;
        try (Mat blob = blobFromImage(bgr, 1 / 128.0, new Size(WIDTH, HEIGHT), MEAN, true, false, CV_32F)) {
            for (FaceNet.Output o : net.run(blob)) {
                if (o.lastDimension() == 4) {
                    boxes = o.values();
                } else {
                    scores = o.values();
                }
            }
        }
        if (boxes == null || scores == null || boxes.length / 4 != scores.length / 3) {
            throw new IllegalStateException("UltraFace model outputs are not boxes [1,N,4] and scores [1,N,3]");
        }
        return decode(boxes, scores, threshold, w, h);
    }

    /** Thresholds face + masked_face, maps boxes to frame pixels and applies NMS. */
    static List<DetectedFace> decode(float[] boxes, float[] scores, double threshold, int w, int h) {
        List<DetectedFace> candidates = new ArrayList<>();
        int n = boxes.length / 4;
        for (int i = 0; i < n; i++) {
            float score = scores[i * 3 + 1] + scores[i * 3 + 2];
            if (score < threshold) {
                continue;
            }
            double x1 = boxes[i * 4] * w, y1 = boxes[i * 4 + 1] * h, x2 = boxes[i * 4 + 2] * w, y2 = boxes[i * 4 + 3] * h;
            if (!(x2 > x1 && y2 > y1)) {
                continue;
            }
            candidates.add(new DetectedFace(new Box(x1, y1, x2, y2), Math.min(1f, score), null).clampedTo(w, h));
        }
        return Nms.hard(candidates, NMS_IOU);
    }


    @Override
    public void close() {
        net.close();
    }
}
