package io.maskwatch.detector.face;

import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromTensorflow;

import io.maskwatch.common.contract.Box;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * OpenCV's res10 300x300 SSD face detector (8-bit TensorFlow graph). Input: the frame stretched
 * to 300x300 BGR minus mean (104, 177, 123); output [1,1,N,7] = (image, class, score, x1, y1, x2, y2)
 * with coordinates as fractions of the frame.
 */
public final class Res10Detector implements FaceDetector {
    public static final int INPUT = 300;
    private static final Scalar MEAN = new Scalar(104.0, 177.0, 123.0, 0.0);

    private final Net net;
    private final double threshold;

    public Res10Detector(Path pb, Path pbtxt, double threshold) {
        this.net = readNetFromTensorflow(pb.toString(), pbtxt.toString());
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return "res10";
    }

    @Override
    public List<DetectedFace> detect(Mat bgr) {
        int w = bgr.cols(), h = bgr.rows();
        List<DetectedFace> faces = new ArrayList<>();
        try (Mat blob = blobFromImage(bgr, 1.0, new Size(INPUT, INPUT), MEAN, false, false, org.bytedeco.opencv.global.opencv_core.CV_32F)) {
            net.setInput(blob);
            try (Mat out = net.forward()) {
                int n = out.size(2);
                float[] v = new float[n * 7];
                new FloatPointer(out.data()).get(v);
                for (int i = 0; i < n; i++) {
                    float score = v[i * 7 + 2];
                    if (score < threshold) {
                        continue;
                    }
                    double x1 = v[i * 7 + 3] * w, y1 = v[i * 7 + 4] * h, x2 = v[i * 7 + 5] * w, y2 = v[i * 7 + 6] * h;
                    if (!(x2 > x1 && y2 > y1)) {
                        continue;
                    }
                    faces.add(new DetectedFace(new Box(x1, y1, x2, y2), score, null).clampedTo(w, h));
                }
            }
        }
        // The graph already applies NMS; a light pass removes the rare duplicates at 0.5 IoU.
        return Nms.hard(faces, 0.5);
    }

    @Override
    public void close() {
        net.close();
    }
}
