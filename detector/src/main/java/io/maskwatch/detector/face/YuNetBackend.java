package io.maskwatch.detector.face;

import io.maskwatch.detector.DetectorConfig;
import java.nio.file.Path;
import java.util.List;

/** YuNet through OpenCV's FaceDetectorYN; sees frames at up to {@code yunet-max-side} pixels. */
final class YuNetBackend implements FaceBackend {
    @Override
    public String name() {
        return "yunet";
    }

    @Override
    public String description() {
        return "YuNet (ONNX, OpenCV FaceDetectorYN), 5 landmarks";
    }

    @Override
    public double defaultScoreThreshold() {
        return 0.7;
    }

    @Override
    public boolean tiledByDefault() {
        return false;
    }

    /** YuNet's boxes sit higher and taller than mask annotations; median fit on scenes-ilc train. */
    @Override
    public BoxCalibration boxCalibration() {
        return new BoxCalibration(0.051, 0.965, 0.933);
    }

    @Override
    public List<ModelFile> modelFiles() {
        return List.of(new ModelFile("yunet-model", "face_detection_yunet_2026may.onnx", "an ONNX model", Format.PROTOBUF,
                "./maskwatch models fetch yunet or ./maskwatch models import FILE (YuNet ONNX, OpenCV model zoo "
                        + "models/face_detection_yunet)"));
    }

    @Override
    public FaceDetector open(List<Path> files, DetectorConfig c) {
        return new YuNetDetector(files.get(0), c.effectiveFaceScoreThreshold(), c.yunetMaxSide());
    }
}
