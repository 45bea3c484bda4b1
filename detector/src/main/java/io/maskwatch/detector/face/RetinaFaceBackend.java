package io.maskwatch.detector.face;

import io.maskwatch.detector.DetectorConfig;
import java.nio.file.Path;
import java.util.List;

/** RetinaFace MobileNet-0.25 (Pytorch_Retinaface export), 640x640, 5 landmarks. */
final class RetinaFaceBackend implements FaceBackend {
    @Override
    public String name() {
        return "retinaface";
    }

    @Override
    public String description() {
        return "RetinaFace MobileNet-0.25 (ONNX, 640x640), 5 landmarks";
    }

    @Override
    public double defaultScoreThreshold() {
        return 0.5;
    }

    @Override
    public boolean tiledByDefault() {
        return false;
    }

    @Override
    public boolean usesInferenceEngine() {
        return true;
    }

    /** Median box of the scenes-ilc train split's faces relative to RetinaFace's (FaceRecallBench --fit). */
    @Override
    public BoxCalibration boxCalibration() {
        return new BoxCalibration(0.047, 0.965, 0.93);
    }

    /** Fitted on the scenes-ilc train split after the box calibration: FaceRecallBench --fit-landmarks. */
    @Override
    public java.util.Optional<LandmarkBoxModel> landmarkBoxModel() {
        return java.util.Optional.of(LandmarkBoxModel.resource("landmark-box-retinaface.txt"));
    }

    @Override
    public List<ModelFile> modelFiles() {
        return List.of(new ModelFile("retinaface-model", "retinaface-mobilenet0.25.onnx", "an ONNX model", Format.PROTOBUF,
                "./maskwatch models fetch retinaface or ./maskwatch models import FILE (Pytorch_Retinaface "
                        + "mobilenet0.25 ONNX export)"));
    }

    @Override
    public FaceDetector open(List<Path> files, DetectorConfig c) {
        if (c.engine() == InferenceEngine.OPENCV) {
            return new RetinaFaceDetector(c.engine().open(files.get(0), c.opencvThreads()), false, c.effectiveFaceScoreThreshold());
        }
        byte[] model = OnnxRuntimeFaceNet.readAll(files.get(0));
        java.util.Optional<byte[]> anySize = RetinaFaceAnySize.tryRewrite(model);
        return new RetinaFaceDetector(InferenceEngine.ONNXRUNTIME.open(anySize.orElse(model), c.opencvThreads()),
                anySize.isPresent(), c.effectiveFaceScoreThreshold());
    }
}
