package io.maskwatch.detector.face;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.maskwatch.common.contract.Box;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.FaceDetectorYN;

/**
 * YuNet through OpenCV's {@code FaceDetectorYN}. Large frames are first scaled so the longer side
 * is at most {@code maxSide} (YuNet's cost grows with the input area). Each output row is
 * x, y, w, h, 5 landmarks (x, y), score.
 */
public final class YuNetDetector implements FaceDetector {
    private final FaceDetectorYN yn;
    private final int maxSide;
    private Size inputSize = new Size(0, 0);

    public YuNetDetector(Path onnx, double threshold, int maxSide) {
        this.yn = FaceDetectorYN.create(onnx.toString(), "", new Size(320, 320), (float) threshold, 0.3f, 5000, 0, 0);
        if (yn == null || yn.isNull()) {
            throw new IllegalStateException("OpenCV could not create a YuNet detector from " + onnx);
        }
        this.maxSide = maxSide;
    }

    @Override
    public String name() {
        return "yunet";
    }

    @Override
    public List<DetectedFace> detect(Mat bgr) {
        int w = bgr.cols(), h = bgr.rows();
        double scale = maxSide > 0 && Math.max(w, h) > maxSide ? (double) maxSide / Math.max(w, h) : 1.0;
        Mat input = bgr;
        if (scale < 1.0) {
            input = new Mat();
            resize(bgr, input, new Size((int) Math.round(w * scale), (int) Math.round(h * scale)), 0, 0, INTER_AREA);
        }
        if (inputSize.width() != input.cols() || inputSize.height() != input.rows()) {
            inputSize = new Size(input.cols(), input.rows());
            yn.setInputSize(inputSize);
        }
        List<DetectedFace> faces = new ArrayList<>();
        try (Mat out = new Mat()) {
            yn.detect(input, out);
            int rows = out.empty() ? 0 : out.rows();
            int cols = rows == 0 ? 0 : out.cols();
            float[] v = new float[rows * cols];
            if (rows > 0) {
                Mat c = out.isContinuous() ? out : out.clone();
                new FloatPointer(c.data()).get(v);
            }
            for (int r = 0; r < rows; r++) {
                int o = r * cols;
                double x = v[o] / scale, y = v[o + 1] / scale, fw = v[o + 2] / scale, fh = v[o + 3] / scale;
                if (!(fw > 0 && fh > 0)) {
                    continue;
                }
                float[] lm = new float[10];
                for (int k = 0; k < 10; k++) {
                    lm[k] = (float) (v[o + 4 + k] / scale);
                }
                faces.add(new DetectedFace(new Box(x, y, x + fw, y + fh), v[o + 14], lm).clampedTo(w, h));
            }
        } finally {
            if (input != bgr) {
                input.close();
            }
        }
        faces.sort((a, b) -> Float.compare(b.score(), a.score()));
        return faces;
    }

    @Override
    public void close() {
        yn.close();
    }
}
