package io.maskwatch.detector.face;

import io.maskwatch.detector.DetectorConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * One face detector backend, self-described: its name, defaults, model files and how to build it.
 * Adding a backend is one implementation plus one entry in {@link FaceBackends#ALL}; configuration,
 * file checks, error messages and the command-line help all come from here.
 */
public interface FaceBackend {
    /** Name as used in {@code detector.backend}, events and the model cache sub-folder. */
    String name();

    /** One line for help texts: what the model is. */
    String description();

    /** Score threshold used when {@code detector.face-score-threshold} is 0. */
    double defaultScoreThreshold();

    /** Whether {@code tiling.mode: auto} tiles large frames for this backend (fixed small inputs need it). */
    boolean tiledByDefault();

    /** The files the backend loads, in the order {@link #open} receives them. */
    List<ModelFile> modelFiles();

    /**
     * Correction of the model's boxes towards hairline-to-below-chin boxes as mask annotations draw
     * them, measured on the scenes-ilc train split (docs/DETECTOR.md); NONE = boxes as the model gives them.
     */
    default BoxCalibration boxCalibration() {
        return BoxCalibration.NONE;
    }

    /**
     * Landmark-aware correction applied after {@link #boxCalibration} (and after fusion for a
     * combination), fitted on the scenes-ilc train split ({@code FaceRecallBench --fit-landmarks});
     * empty = none.
     */
    default java.util.Optional<LandmarkBoxModel> landmarkBoxModel() {
        return java.util.Optional.empty();
    }

    /** The model cache sub-folder holding {@code file}: the backend's name (a combination uses its members'). */
    default String cacheFolder(ModelFile file) {
        return name();
    }

    /** Whether its networks run on {@code detector.inference-engine} (else on OpenCV's own detector classes). */
    default boolean usesInferenceEngine() {
        return false;
    }

    /** Builds a detector for one inference thread from checked files; may throw the engine's errors. */
    FaceDetector open(List<Path> files, DetectorConfig config);

    /** File formats that can be checked before an engine sees the file. */
    enum Format {
        /** Binary protobuf (ONNX, TensorFlow graph): starts with a field tag, at least 1 KiB. */
        PROTOBUF,
        /** Text protobuf (.pbtxt). */
        TEXT
    }

    /**
     * A model file of a backend.
     *
     * @param key      its config key in the {@code detector} section (e.g. {@code yunet-model});
     *                 empty value = {@code <model-cache-dir>/<backend>/<fileName>}
     * @param fileName the file's name in the model cache
     * @param kind     what it is, with its article, for messages ("an ONNX model")
     * @param format   how to check it before loading
     * @param obtain   how to get the file, completing "run ..." in an error message
     */
    record ModelFile(String key, String fileName, String kind, Format format, String obtain) {
    }
}
