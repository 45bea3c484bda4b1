package io.maskwatch.detector.face;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The RetinaFace export at an input other than 640x640. The export declares its input 640x640 and
 * its FPN upsamples to constant sizes (40x40, 80x80), so a 16:9 frame letterboxed into it is 44%
 * padding. This rewrites those constants, in a copy of the file's bytes, for an input of
 * {@code width x height} (multiples of 32: the three strides divide it, so the upsampled maps match
 * the lateral ones): the input's two dimensions and each constant feeding a {@code Resize}'s
 * {@code sizes} through a {@code Concat}, scaled by the new side / 640. Every patched value keeps
 * its encoded length, so the file is changed in place and nothing else moves.
 */
final class RetinaFaceInputSize {
    static final int EXPORTED = 640;

    private RetinaFaceInputSize() {
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RetinaFaceInputSize.class);

    /** Whether {@link #patch} works on this file; if not, says once why (it then runs at 640x640, as on OpenCV). */
    static boolean fits(byte[] model) {
        try {
            patch(model, EXPORTED, 384);
            return true;
        } catch (IllegalArgumentException | ArithmeticException e) {
            LOG.warn("retinaface: this ONNX file is not laid out as the Pytorch_Retinaface export ({}); it runs at "
                    + "640x640 for every frame, which costs more CPU on wide frames", e.getMessage());
            return false;
        }
    }

    /**
     * @throws IllegalArgumentException when the file is not laid out as the Pytorch_Retinaface export
     *                                  (then only 640x640 is possible)
     */
    static byte[] patch(byte[] model, int width, int height) {
        if (width % 32 != 0 || height % 32 != 0 || width < 128 || height < 128 || width > EXPORTED || height > EXPORTED) {
            throw new IllegalArgumentException("input " + width + "x" + height + " is not a multiple of 32 in [128, 640]");
        }
        byte[] out = model.clone();
        Field graph = single(fields(out, 0, out.length), 7, "ModelProto.graph");
        List<Field> graphFields = fields(out, graph.start, graph.end);

        // The input's declared H and W.
        Field input = first(graphFields, 11, "GraphProto.input");
        Field type = single(fields(out, input.start, input.end), 2, "ValueInfoProto.type");
        Field tensor = single(fields(out, type.start, type.end), 1, "TypeProto.tensor_type");
        Field shape = single(fields(out, tensor.start, tensor.end), 2, "TypeProto.Tensor.shape");
        List<Field> dims = fields(out, shape.start, shape.end).stream().filter(f -> f.number == 1).toList();
        if (dims.size() != 4) {
            throw new IllegalArgumentException("input has " + dims.size() + " dimensions, expected 4");
        }
        patchVarint(out, single(fields(out, dims.get(2).start, dims.get(2).end), 1, "dim_value"), EXPORTED, height);
        patchVarint(out, single(fields(out, dims.get(3).start, dims.get(3).end), 1, "dim_value"), EXPORTED, width);

        // The outputs' anchor count (16800 at 640x640) changes with the size: declared symbolic instead.
        for (Field output : graphFields.stream().filter(f -> f.number == 12).toList()) {
            Field oType = single(fields(out, output.start, output.end), 2, "ValueInfoProto.type");
            Field oTensor = single(fields(out, oType.start, oType.end), 1, "TypeProto.tensor_type");
            Field oShape = single(fields(out, oTensor.start, oTensor.end), 2, "TypeProto.Tensor.shape");
            List<Field> oDims = fields(out, oShape.start, oShape.end).stream().filter(f -> f.number == 1).toList();
            if (oDims.size() == 3) {
                symbolic(out, oDims.get(1));
            }
        }

        // Resize(sizes = Concat(Shape(x)[0:2], Constant [h, w])): the constant, scaled.
        Map<String, Node> producers = new HashMap<>();
        List<Node> nodes = new ArrayList<>();
        for (Field f : graphFields) {
            if (f.number == 1) {
                Node n = Node.read(out, f);
                nodes.add(n);
                n.outputs.forEach(o -> producers.put(o, n));
            }
        }
        int patched = 0;
        for (Node resize : nodes) {
            if (!resize.opType.equals("Resize") || resize.inputs.size() < 4) {
                continue;
            }
            Node concat = producers.get(resize.inputs.get(3));
            if (concat == null || !concat.opType.equals("Concat")) {
                throw new IllegalArgumentException("Resize " + resize.inputs.get(3) + " sizes do not come from a Concat");
            }
            for (String in : concat.inputs) {
                Node c = producers.get(in);
                if (c != null && c.opType.equals("Constant")) {
                    patchSizes(out, c, width, height);
                    patched++;
                }
            }
        }
        if (patched != 2) {
            throw new IllegalArgumentException("found " + patched + " constant upsampling sizes, expected 2");
        }
        return out;
    }

    /** A constant INT64 [2] tensor in raw_data: (h, w) scaled from 640 to the new sides. */
    private static void patchSizes(byte[] b, Node constant, int width, int height) {
        Field attr = first(fields(b, constant.field.start, constant.field.end), 5, "NodeProto.attribute");
        Field t = single(fields(b, attr.start, attr.end), 5, "AttributeProto.t");
        List<Field> tensor = fields(b, t.start, t.end);
        Field raw = single(tensor, 9, "TensorProto.raw_data");
        Field dataType = single(tensor, 2, "TensorProto.data_type");
        if (dataType.value != 7 || raw.end - raw.start != 16) {
            throw new IllegalArgumentException("upsampling sizes are not 2 raw int64 values");
        }
        ByteBuffer v = ByteBuffer.wrap(b, raw.start, 16).order(ByteOrder.LITTLE_ENDIAN);
        long h = v.getLong(raw.start), w = v.getLong(raw.start + 8);
        if (h != w || EXPORTED % h != 0) {
            throw new IllegalArgumentException("upsampling sizes " + h + "x" + w + " are not a square fraction of 640");
        }
        v.putLong(raw.start, h * height / EXPORTED);
        v.putLong(raw.start + 8, w * width / EXPORTED);
    }

    /**
     * A dimension's {@code dim_value} (tag and 3-byte varint, e.g. 16800) rewritten in place as
     * {@code dim_param "an"} (tag, length, 2 characters): the same 4 bytes. Other encodings stay
     * (ONNX Runtime then only warns that the declared and the actual shape differ).
     */
    private static void symbolic(byte[] b, Field dimension) {
        List<Field> f = fields(b, dimension.start, dimension.end);
        if (f.size() == 1 && f.get(0).number == 1 && f.get(0).wireType == 0 && f.get(0).end - f.get(0).start == 3
                && dimension.end - dimension.start == 4) {
            int at = dimension.start;
            b[at] = 0x12;
            b[at + 1] = 2;
            b[at + 2] = 'a';
            b[at + 3] = 'n';
        }
    }

    /** Rewrites a 2-byte varint (128..16383) in place. */
    private static void patchVarint(byte[] b, Field f, long expected, int value) {
        if (f.value != expected || f.end - f.start != 2) {
            throw new IllegalArgumentException("input dimension is " + f.value + ", expected " + expected);
        }
        b[f.start] = (byte) ((value & 0x7f) | 0x80);
        b[f.start + 1] = (byte) (value >>> 7);
    }

    /** A protobuf field: for length-delimited ones [start, end) is the payload, for varints value. */
    private record Field(int number, int wireType, int start, int end, long value) {
    }

    private record Node(Field field, String opType, List<String> inputs, List<String> outputs) {
        static Node read(byte[] b, Field f) {
            String op = "";
            List<String> in = new ArrayList<>(), out = new ArrayList<>();
            for (Field x : fields(b, f.start, f.end)) {
                switch (x.number) {
                    case 1 -> in.add(string(b, x));
                    case 2 -> out.add(string(b, x));
                    case 4 -> op = string(b, x);
                    default -> { }
                }
            }
            return new Node(f, op, in, out);
        }
    }

    private static String string(byte[] b, Field f) {
        return new String(b, f.start, f.end - f.start, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Field single(List<Field> fs, int number, String what) {
        List<Field> m = fs.stream().filter(f -> f.number == number).toList();
        if (m.size() != 1) {
            throw new IllegalArgumentException(what + ": " + m.size() + " fields, expected 1");
        }
        return m.get(0);
    }

    private static Field first(List<Field> fs, int number, String what) {
        return fs.stream().filter(f -> f.number == number).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(what + " missing"));
    }

    private static List<Field> fields(byte[] b, int from, int to) {
        List<Field> out = new ArrayList<>();
        int[] pos = {from};
        while (pos[0] < to) {
            long key = varint(b, pos);
            int number = (int) (key >>> 3), wire = (int) (key & 7);
            int start = pos[0];
            switch (wire) {
                case 0 -> {
                    long v = varint(b, pos);
                    out.add(new Field(number, wire, start, pos[0], v));
                }
                case 1 -> {
                    pos[0] += 8;
                    out.add(new Field(number, wire, start, pos[0], 0));
                }
                case 2 -> {
                    long len = varint(b, pos);
                    int s = pos[0];
                    pos[0] = Math.addExact(s, Math.toIntExact(len));
                    out.add(new Field(number, wire, s, pos[0], 0));
                }
                case 5 -> {
                    pos[0] += 4;
                    out.add(new Field(number, wire, start, pos[0], 0));
                }
                default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wire + " at " + start);
            }
            if (pos[0] > to) {
                throw new IllegalArgumentException("truncated protobuf field at " + start);
            }
        }
        return out;
    }

    private static long varint(byte[] b, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= b.length) {
                throw new IllegalArgumentException("truncated varint");
            }
            byte x = b[pos[0]++];
            v |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }
}
