package io.maskwatch.detector.face;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * An ONNX network on ONNX Runtime's CPU provider. The blob's native memory is handed to the
 * runtime as it is (a direct buffer, no copy).
 */
final class OnnxRuntimeFaceNet implements FaceNet {
    private final OrtSession session;
    private final String input;

    /**
     * @param threads intra-op threads of this network (0 = the runtime's default, one per core); no
     *                spinning between runs, so idle inference threads leave the cores to the others
     */
    OnnxRuntimeFaceNet(Path onnx, int threads) {
        this(readAll(onnx), threads);
    }

    /** From the model's bytes (e.g. as {@link RetinaFaceAnySize#rewrite} returns them). */
    OnnxRuntimeFaceNet(byte[] onnx, int threads) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            this.session = OrtEnvironment.getEnvironment().createSession(onnx, options);
            this.input = session.getInputNames().iterator().next();
        } catch (OrtException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static byte[] readAll(Path onnx) {
        try {
            return java.nio.file.Files.readAllBytes(onnx);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + onnx + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Output> run(Mat blob) {
        long[] shape = new long[blob.dims()];
        long n = 1;
        for (int d = 0; d < shape.length; d++) {
            shape[d] = blob.size(d);
            n *= shape[d];
        }
        FloatBuffer data = new FloatPointer(blob.data()).capacity(n).asBuffer();
        try (OnnxTensor tensor = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), data, shape);
             OrtSession.Result result = session.run(Map.of(input, tensor))) {
            List<Output> out = new ArrayList<>(result.size());
            for (Map.Entry<String, OnnxValue> e : result) {
                OnnxTensor t = (OnnxTensor) e.getValue();
                out.add(new Output(t.getInfo().getShape(), floats(t.getFloatBuffer())));
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the face detector: " + e.getMessage(), e);
        }
    }

    /** The values of the runtime's copy, without copying them again when it is a whole heap array (the usual case). */
    private static float[] floats(FloatBuffer fb) {
        if (fb.hasArray() && fb.arrayOffset() == 0 && fb.position() == 0 && fb.remaining() == fb.array().length) {
            return fb.array();
        }
        float[] values = new float[fb.remaining()];
        fb.get(values);
        return values;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
