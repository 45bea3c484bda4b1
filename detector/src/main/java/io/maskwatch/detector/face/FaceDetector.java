package io.maskwatch.detector.face;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Finds faces in a BGR frame. Instances hold a network and are not thread-safe: one per
 * inference thread ({@link FaceBackends#create} makes them).
 */
public interface FaceDetector extends AutoCloseable {
    /** Backend name as used in config and events ({@link FaceBackends#NAMES}). */
    String name();

    /**
     * @param bgr 8-bit 3-channel BGR frame (OpenCV's order)
     * @return faces in frame pixels, boxes inside the frame, highest score first
     */
    List<DetectedFace> detect(Mat bgr);

    @Override
    void close();
}
