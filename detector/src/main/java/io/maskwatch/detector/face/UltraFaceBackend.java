package io.maskwatch.detector.face;

import io.maskwatch.detector.DetectorConfig;
import java.nio.file.Path;
import java.util.List;

/** Ultra-Light-Fast-Generic-Face-Detector RFB-640, masked-face v2 (WIDER FACE + MAFA). */
final class UltraFaceBackend implements FaceBackend {
    @Override
    public String name() {
        return "ultraface";
    }

    @Override
    public String description() {
        return "UltraFace RFB-640 masked-face v2 (ONNX, 640x480), no landmarks";
    }

    @Override
    public double defaultScoreThreshold() {
        return 0.3;
    }

    @Override
    public boolean tiledByDefault() {
        return false;
    }

    @Override
    public boolean usesInferenceEngine() {
        return true;
    }

    /** Median box of the scenes-ilc train split's faces relative to UltraFace's (FaceRecallBench --fit): narrower. */
    @Override
    public BoxCalibration boxCalibration() {
        return new BoxCalibration(0.001, 0.920, 1.017);
    }

    @Override
    public List<ModelFile> modelFiles() {
        return List.of(new ModelFile("ultraface-model", "ultraface-RFB-640-masked_face-v2.onnx", "an ONNX model",
                Format.PROTOBUF, "./maskwatch models fetch ultraface or ./maskwatch models import FILE "
                + "(Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB, masked_face v2 RFB-640)"));
    }

    @Override
    public FaceDetector open(List<Path> files, DetectorConfig c) {
        return new UltraFaceDetector(c.engine().open(files.get(0), c.opencvThreads()), c.effectiveFaceScoreThreshold());
    }
}
