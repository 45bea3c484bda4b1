package io.maskwatch.detector.face;

import io.maskwatch.detector.DetectorConfig;
import java.nio.file.Path;
import java.util.List;

/** OpenCV's res10 300x300 SSD face detector, 8-bit TensorFlow form. */
final class Res10Backend implements FaceBackend {
    private static final String OBTAIN = "./maskwatch models fetch res10 or ./maskwatch models import FILE "
            + "(OpenCV's res10 300x300 SSD, 8-bit TensorFlow form, from OpenCV's samples/dnn face_detector)";

    @Override
    public String name() {
        return "res10";
    }

    @Override
    public String description() {
        return "OpenCV res10 300x300 SSD (TensorFlow, 8-bit)";
    }

    @Override
    public double defaultScoreThreshold() {
        return 0.5;
    }

    @Override
    public boolean tiledByDefault() {
        return true;
    }

    @Override
    public List<ModelFile> modelFiles() {
        return List.of(
                new ModelFile("res10-model", "opencv_face_detector_uint8.pb", "a TensorFlow graph", Format.PROTOBUF, OBTAIN),
                new ModelFile("res10-config", "opencv_face_detector.pbtxt", "a text graph (.pbtxt)", Format.TEXT, OBTAIN));
    }

    @Override
    public FaceDetector open(List<Path> files, DetectorConfig c) {
        return new Res10Detector(files.get(0), files.get(1), c.effectiveFaceScoreThreshold());
    }
}
