package io.maskwatch.detector.face;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A face detector's ONNX network on one inference engine ({@link InferenceEngine}): an image blob
 * in, its outputs out. The detectors do their own pre- and post-processing around it, so the
 * engine can change without touching them. Not thread-safe: one per inference thread.
 */
interface FaceNet extends AutoCloseable {
    /**
     * @param blob a continuous {@code CV_32F} blob of shape [1, 3, H, W], as {@code blobFromImage} makes it
     * @return every output of the network, in the network's order
     */
    List<Output> run(Mat blob);

    @Override
    void close();

    /** One output tensor: its shape and values in memory order. */
    record Output(long[] shape, float[] values) {
        /** The size of the last dimension, by which the detectors tell their outputs apart. */
        public long lastDimension() {
            return shape.length == 0 ? 0 : shape[shape.length - 1];
        }
    }
}
