package io.maskwatch.detector.face;

import static org.bytedeco.opencv.global.opencv_dnn.readNetFromONNX;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.StringVector;
import org.bytedeco.opencv.opencv_dnn.Net;

/** An ONNX network on OpenCV DNN (threads: OpenCV's process-wide pool, {@code opencv-threads}). */
final class OpenCvFaceNet implements FaceNet {
    private final Net net;
    private final StringVector outNames;

    OpenCvFaceNet(Path onnx) {
        this.net = readNetFromONNX(onnx.toString());
        this.outNames = net.getUnconnectedOutLayersNames();
    }

    @Override
    public List<Output> run(Mat blob) {
        try (MatVector outs = new MatVector()) {
            net.setInput(blob);
            net.forward(outs, outNames);
            List<Output> out = new ArrayList<>();
            for (long i = 0; i < outs.size(); i++) {
                Mat m = outs.get(i);
                long[] shape = new long[m.dims()];
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = m.size(d);
                }
                out.add(new Output(shape, NetOutputs.floats(m)));
            }
            return out;
        }
    }

    @Override
    public void close() {
        net.close();
    }
}
