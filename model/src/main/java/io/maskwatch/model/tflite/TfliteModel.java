package io.maskwatch.model.tflite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The weights and graph of a TFLite file (first subgraph), read in pure Java: tensors with their
 * quantisation, buffers, and the operators in graph order with the options of convolutions. It
 * reads weights; it does not run the graph.
 */
public final class TfliteModel {
    /** TFLite builtin operator codes used here (schema.fbs BuiltinOperator). */
    public static final int ADD = 0;
    public static final int AVERAGE_POOL_2D = 1;
    public static final int CONV_2D = 3;
    public static final int DEPTHWISE_CONV_2D = 4;
    public static final int FULLY_CONNECTED = 9;
    public static final int RESHAPE = 22;
    public static final int SOFTMAX = 25;
    private static final Map<Integer, String> OP_NAMES = Map.ofEntries(Map.entry(0, "ADD"),
            Map.entry(1, "AVERAGE_POOL_2D"), Map.entry(2, "CONCATENATION"), Map.entry(3, "CONV_2D"),
            Map.entry(4, "DEPTHWISE_CONV_2D"), Map.entry(6, "DEQUANTIZE"), Map.entry(9, "FULLY_CONNECTED"),
            Map.entry(14, "LOGISTIC"), Map.entry(17, "MAX_POOL_2D"), Map.entry(18, "MUL"), Map.entry(19, "RELU"),
            Map.entry(21, "RELU6"), Map.entry(22, "RESHAPE"), Map.entry(25, "SOFTMAX"), Map.entry(34, "PAD"),
            Map.entry(40, "MEAN"), Map.entry(43, "SQUEEZE"), Map.entry(114, "QUANTIZE"));

    /** Tensor element types (schema.fbs TensorType). */
    public enum Type {
        FLOAT32(0, 4), FLOAT16(1, 2), INT32(2, 4), UINT8(3, 1), INT64(4, 8), STRING(5, 0), BOOL(6, 1), INT16(7, 2),
        COMPLEX64(8, 8), INT8(9, 1), OTHER(-1, 0);

        final int code;
        final int bytes;

        Type(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }

        static Type of(int code) {
            return Arrays.stream(values()).filter(t -> t.code == code).findFirst().orElse(OTHER);
        }
    }

    /** Affine quantisation: real = (q - zeroPoint) * scale, per tensor or per channel of {@code dimension}. */
    public record Quantization(float[] scale, long[] zeroPoint, int dimension) {
        public boolean present() {
            return scale.length > 0;
        }
    }

    /** One tensor: shape, element type, index into {@link #buffers}, name, quantisation. */
    public record Tensor(int index, String name, int[] shape, Type type, int buffer, Quantization quantization) {
        public long elements() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        @Override
        public String toString() {
            return "tensor " + index + " '" + name + "' " + Arrays.toString(shape) + " " + type;
        }
    }

    /** SAME or VALID padding, stride and fused activation of a convolution or pooling operator. */
    public record ConvOptions(String padding, int strideH, int strideW, String activation, int depthMultiplier) {
    }

    /** An operator in graph order; {@code conv} is set for CONV_2D, DEPTHWISE_CONV_2D and AVERAGE_POOL_2D. */
    public record Operator(int index, int builtinCode, String name, int[] inputs, int[] outputs, ConvOptions conv) {
        @Override
        public String toString() {
            return "operator " + index + " " + name + " in " + Arrays.toString(inputs) + " out " + Arrays.toString(outputs)
                    + (conv == null ? "" : " " + conv);
        }
    }

    private final Path file;
    private final FlatBuffer fb;
    private final List<Tensor> tensors;
    private final List<Operator> operators;
    private final int[] bufferData;
    private final long[] bufferSize;
    private final int[] inputs;
    private final int[] outputs;

    private TfliteModel(Path file, FlatBuffer fb, List<Tensor> tensors, List<Operator> operators, int[] bufferData,
                        long[] bufferSize, int[] inputs, int[] outputs) {
        this.file = file;
        this.fb = fb;
        this.tensors = tensors;
        this.operators = operators;
        this.bufferData = bufferData;
        this.bufferSize = bufferSize;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    /**
     * Reads a {@code .tflite} file.
     *
     * @throws TfliteFormatException when the file is missing, truncated or not a TFLite flatbuffer
     */
    public static TfliteModel read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TfliteFormatException("TFLite file " + file + " does not exist");
        } catch (IOException e) {
            throw new TfliteFormatException("cannot read TFLite file " + file + ": " + e.getMessage());
        }
        if (bytes.length < 8 || bytes[4] != 'T' || bytes[5] != 'F' || bytes[6] != 'L' || bytes[7] != '3') {
            throw new TfliteFormatException(file + " is not a TFLite model (no 'TFL3' file identifier at byte 4)");
        }
        try {
            return parse(file, new FlatBuffer(bytes));
        } catch (TfliteFormatException e) {
            throw new TfliteFormatException(file + ": " + e.getMessage());
        }
    }

    private static TfliteModel parse(Path file, FlatBuffer fb) {
        int model = fb.deref(0);
        int[] codeTables = fb.tableVector(model, 1);
        int[] codes = new int[codeTables.length];
        for (int i = 0; i < codes.length; i++) {
            // Old files use the byte field 0, newer ones the int field 3; the larger is the real code.
            codes[i] = Math.max(fb.byteField(codeTables[i], 0, 0), fb.intField(codeTables[i], 3, 0));
        }
        int[] subgraphs = fb.tableVector(model, 2);
        if (subgraphs.length == 0) {
            throw new TfliteFormatException("the model has no subgraph");
        }
        int sg = subgraphs[0];
        int[] bufferTables = fb.tableVector(model, 4);
        int[] bufferData = new int[bufferTables.length];
        long[] bufferSize = new long[bufferTables.length];
        for (int i = 0; i < bufferTables.length; i++) {
            int data = fb.vectorField(bufferTables[i], 0);
            if (data >= 0) {
                bufferData[i] = data;
                bufferSize[i] = fb.vectorLength(data);
            } else {
                // Files over 2 GB keep data outside the flatbuffer: offset/size from the file start.
                long off = fb.longField(bufferTables[i], 1, 0);
                bufferSize[i] = fb.longField(bufferTables[i], 2, 0);
                bufferData[i] = (int) off;
            }
        }
        List<Tensor> tensors = new ArrayList<>();
        int[] tensorTables = fb.tableVector(sg, 0);
        for (int i = 0; i < tensorTables.length; i++) {
            int t = tensorTables[i];
            int q = fb.tableField(t, 4);
            Quantization quant = q < 0 ? new Quantization(new float[0], new long[0], 0)
                    : new Quantization(fb.floatVector(q, 2), fb.longVector(q, 3), fb.intField(q, 6, 0));
            int buffer = fb.intField(t, 2, 0);
            if (buffer < 0 || buffer >= bufferTables.length) {
                throw new TfliteFormatException("tensor " + i + " names buffer " + buffer + " of " + bufferTables.length);
            }
            tensors.add(new Tensor(i, fb.string(t, 3), fb.intVector(t, 0), Type.of(fb.byteField(t, 1, 0)), buffer, quant));
        }
        List<Operator> ops = new ArrayList<>();
        int[] opTables = fb.tableVector(sg, 3);
        for (int i = 0; i < opTables.length; i++) {
            int o = opTables[i];
            int codeIndex = fb.intField(o, 0, 0);
            if (codeIndex < 0 || codeIndex >= codes.length) {
                throw new TfliteFormatException("operator " + i + " names opcode " + codeIndex + " of " + codes.length);
            }
            int code = codes[codeIndex];
            int opt = fb.tableField(o, 4);
            ConvOptions conv = null;
            if (opt >= 0 && code == CONV_2D) {
                conv = new ConvOptions(padding(fb.byteField(opt, 0, 0)), fb.intField(opt, 2, 0), fb.intField(opt, 1, 0),
                        activation(fb.byteField(opt, 3, 0)), 1);
            } else if (opt >= 0 && code == DEPTHWISE_CONV_2D) {
                conv = new ConvOptions(padding(fb.byteField(opt, 0, 0)), fb.intField(opt, 2, 0), fb.intField(opt, 1, 0),
                        activation(fb.byteField(opt, 4, 0)), fb.intField(opt, 3, 0));
            } else if (opt >= 0 && code == AVERAGE_POOL_2D) {
                conv = new ConvOptions(padding(fb.byteField(opt, 0, 0)), fb.intField(opt, 2, 0), fb.intField(opt, 1, 0),
                        activation(fb.byteField(opt, 5, 0)), 1);
            }
            int[] in = fb.intVector(o, 1);
            int[] out = fb.intVector(o, 2);
            for (int t : concat(in, out)) {
                if (t >= tensors.size()) {
                    throw new TfliteFormatException("operator " + i + " uses tensor " + t + " of " + tensors.size());
                }
            }
            ops.add(new Operator(i, code, OP_NAMES.getOrDefault(code, "BUILTIN_" + code), in, out, conv));
        }
        return new TfliteModel(file, fb, List.copyOf(tensors), List.copyOf(ops), bufferData, bufferSize,
                fb.intVector(sg, 1), fb.intVector(sg, 2));
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static String padding(int code) {
        return code == 0 ? "SAME" : code == 1 ? "VALID" : "PADDING_" + code;
    }

    private static String activation(int code) {
        return switch (code) {
            case 0 -> "NONE";
            case 1 -> "RELU";
            case 2 -> "RELU_N1_TO_1";
            case 3 -> "RELU6";
            case 4 -> "TANH";
            default -> "ACTIVATION_" + code;
        };
    }

    public Path file() {
        return file;
    }

    public List<Tensor> tensors() {
        return tensors;
    }

    public Tensor tensor(int index) {
        return tensors.get(index);
    }

    /** Operators of the first subgraph in execution (graph) order. */
    public List<Operator> operators() {
        return operators;
    }

    public int[] inputs() {
        return inputs.clone();
    }

    public int[] outputs() {
        return outputs.clone();
    }

    /** Raw bytes of a tensor's buffer (empty for activations). */
    public byte[] rawData(Tensor t) {
        long size = bufferSize[t.buffer()];
        return size == 0 ? new byte[0] : fb.bytes(bufferData[t.buffer()], Math.toIntExact(size));
    }

    /**
     * The tensor's values as floats, row-major in its TFLite shape: {@code (q - zero_point) * scale}
     * for quantised tensors (per tensor or per channel), the values themselves for float32.
     *
     * @throws TfliteFormatException when the tensor has no data or an unsupported type
     */
    public float[] dequantize(Tensor t) {
        byte[] raw = rawData(t);
        long n = t.elements();
        if (raw.length == 0) {
            throw new TfliteFormatException(t + " has no constant data (it is an activation, not a weight)");
        }
        if (t.type().bytes == 0 || raw.length != n * t.type().bytes) {
            throw new TfliteFormatException(t + " has " + raw.length + " bytes of data, expected " + n + " elements of "
                    + t.type());
        }
        ByteBuffer bb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(int) n];
        Quantization q = t.quantization();
        boolean quantised = t.type() != Type.FLOAT32 && q.present();
        int channels = q.scale().length;
        int inner = 1;
        if (quantised && channels > 1) {
            if (q.dimension() >= t.shape().length || t.shape()[q.dimension()] != channels) {
                throw new TfliteFormatException(t + " has " + channels + " scales on dimension " + q.dimension());
            }
            for (int d = q.dimension() + 1; d < t.shape().length; d++) {
                inner *= t.shape()[d];
            }
        }
        for (int i = 0; i < n; i++) {
            double v = switch (t.type()) {
                case FLOAT32 -> bb.getFloat(i * 4);
                case UINT8 -> raw[i] & 0xff;
                case INT8 -> raw[i];
                case INT16 -> bb.getShort(i * 2);
                case INT32 -> bb.getInt(i * 4);
                case INT64 -> bb.getLong(i * 8);
                default -> throw new TfliteFormatException(t + ": cannot dequantise type " + t.type());
            };
            if (quantised) {
                int c = channels > 1 ? (i / inner) % channels : 0;
                long zp = q.zeroPoint().length == 0 ? 0 : q.zeroPoint()[Math.min(c, q.zeroPoint().length - 1)];
                v = (v - zp) * q.scale()[c];
            }
            out[i] = (float) v;
        }
        return out;
    }
}
