package io.maskwatch.detector.face;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/** Reading OpenCV DNN outputs into Java arrays, shared by the backends. */
final class NetOutputs {
    private NetOutputs() {
    }

    /** Every value of a float output blob, in memory order. */
    static float[] floats(Mat m) {
        Mat c = m.isContinuous() ? m : m.clone();
        float[] out = new float[(int) c.total()];
        new FloatPointer(c.data()).get(out);
        return out;
    }
}
