package io.maskwatch.detector.face;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromONNX;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.bytedeco.opencv.opencv_core.StringVector;

/**
 * MediaPipe BlazeFace (ONNX from keijiro's Barracuda conversion) on OpenCV DNN.
 * Input NHWC [1,S,S,3] RGB in [-1,1], letterboxed; see {@link BlazeFaceDecoder} for the outputs.
 */
public final class BlazeFaceDetector implements FaceDetector {
    private final Net net;
    private final int inputSize;
    private final double threshold;
    private final BlazeFaceDecoder decoder;
    private final StringVector outNames;
    private final Mat blob;
    private final Mat blobImage;

    public BlazeFaceDetector(Path onnx, int inputSize, double threshold) {
        this.net = readNetFromONNX(onnx.toString());
        // Layer fusion breaks this graph in OpenCV DNN (wrong outputs); keep layers separate.
        this.net.enableFusion(false);
        this.inputSize = inputSize;
        this.threshold = threshold;
        this.decoder = new BlazeFaceDecoder(inputSize);
        this.outNames = net.getUnconnectedOutLayersNames();
        this.blob = new Mat(new int[] {1, inputSize, inputSize, 3}, CV_32F);
        // A 2-D view of the blob's memory, so convertTo writes NHWC floats straight into it.
        this.blobImage = new Mat(inputSize, inputSize, CV_32FC3, blob.data());
    }

    /** Input side from a file name like face_detection_back_256x256_barracuda.onnx; 256 otherwise. */
    public static int inputSizeOf(Path onnx) {
        var m = java.util.regex.Pattern.compile("(\\d{2,4})x\\1").matcher(onnx.getFileName().toString());
        return m.find() ? Integer.parseInt(m.group(1)) : 256;
    }

    @Override
    public String name() {
        return "blazeface";
    }

    @Override
    public List<DetectedFace> detect(Mat bgr) {
        Letterbox lb = Letterbox.fit(bgr.cols(), bgr.rows(), inputSize);
        try (Mat boxed = lb.apply(bgr); Mat rgb = new Mat()) {
            cvtColor(boxed, rgb, COLOR_BGR2RGB);
            rgb.convertTo(blobImage, CV_32F, 1 / 127.5, -1);
        }
        net.setInput(blob);
        List<DetectedFace> candidates = new ArrayList<>();
        try (MatVector outs = new MatVector()) {
            net.forward(outs, outNames);
            // Outputs come as two (scores, boxes) pairs; pair them by anchor count.
            List<Mat> scoreHeads = new ArrayList<>();
            List<Mat> boxHeads = new ArrayList<>();
            for (long i = 0; i < outs.size(); i++) {
                Mat m = outs.get(i);
                (m.size(m.dims() - 1) == BlazeFaceDecoder.VALUES_PER_ANCHOR ? boxHeads : scoreHeads).add(m);
            }
            for (Mat s : scoreHeads) {
                int anchors = s.size(1);
                Mat b = boxHeads.stream().filter(x -> x.size(1) == anchors).findFirst()
                        .orElseThrow(() -> new IllegalStateException("BlazeFace model has no box output for the "
                                + anchors + "-anchor score output"));
                candidates.addAll(decoder.decodeHead(NetOutputs.floats(s), NetOutputs.floats(b), threshold));
            }
        }
        List<DetectedFace> merged = Nms.weighted(candidates, BlazeFaceDecoder.NMS_IOU);
        return BlazeFaceDecoder.toFrame(merged, lb, bgr.cols(), bgr.rows());
    }


    @Override
    public void close() {
        blobImage.close();
        blob.close();
        net.close();
    }
}
