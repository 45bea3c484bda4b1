package io.maskwatch.app.sample;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/** Finds faces with keypoints in a BGR image (BlazeFace in practice). */
@FunctionalInterface
public interface LandmarkSource {
    List<FaceLandmarks> find(Mat bgr);
}
