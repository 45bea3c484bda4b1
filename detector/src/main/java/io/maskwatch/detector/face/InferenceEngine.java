package io.maskwatch.detector.face;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which engine runs the face detectors' ONNX networks (retinaface, ultraface; the others use
 * OpenCV's own detector classes). ONNX Runtime is the default: the same networks, the same
 * outputs within float rounding, at 1.5x (retinaface) to 2.7x (ultraface) less CPU on this
 * project's machine (docs/DETECTOR.md, "Inference engine"). OpenCV DNN stays for platforms
 * ONNX Runtime's jar has no native library for.
 */
public enum InferenceEngine {
    ONNXRUNTIME, OPENCV;

    public static final String CHOICES = "onnxruntime, opencv";

    public static InferenceEngine parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT).replace("-", ""));
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(InferenceEngine::wireName).toList();
    }

    /** As written in the config file. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param threads the network's own threads (onnxruntime: intra-op; opencv: ignored here,
     *                OpenCV's pool is process-wide and set once)
     */
    FaceNet open(Path onnx, int threads) {
        return this == OPENCV ? new OpenCvFaceNet(onnx) : open(OnnxRuntimeFaceNet.readAll(onnx), threads);
    }

    /** From the model's bytes; ONNX Runtime only (OpenCV reads files). */
    FaceNet open(byte[] onnx, int threads) {
        if (this != ONNXRUNTIME) {
            throw new IllegalStateException(this + " opens model files, not bytes");
        }
        try {
            return new OnnxRuntimeFaceNet(onnx, threads);
        } catch (LinkageError e) {
            // Not the model's fault: the runtime itself is missing for this OS/CPU (or its unpack failed).
            throw new io.maskwatch.common.config.ConfigException("detector.inference-engine is onnxruntime but ONNX Runtime's "
                    + "native library cannot be loaded here (" + (e.getCause() != null ? e.getCause() : e) + "); run on linux/macOS/windows x86-64 or aarch64 with "
                    + "glibc, or set detector.inference-engine: opencv (OpenCV DNN: same faces, more CPU)");
        }
    }
}
