package io.maskwatch.detector.face;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The RetinaFace export made to take any input size. The export declares its input 640x640 and its
 * FPN upsamples to constant sizes (40x40, 80x80 through {@code Concat(Shape(x)[0:2], [h, w])}), so
 * a 16:9 frame letterboxed into it is 44% padding. This rewrites, in a copy of the file's bytes:
 * the input's height and width and the outputs' anchor count as symbolic dimensions, and each
 * {@code Resize} to scale by 2 (a new constant) instead of to a fixed size, dropping the nodes that
 * only computed that size. The upsampled maps then match the lateral ones for any input whose
 * sides are multiples of 32 (the three strides divide them). One network serves every size, and at
 * 640x640 it computes exactly what the original does.
 */
final class RetinaFaceAnySize {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RetinaFaceAnySize.class);

    private RetinaFaceAnySize() {
    }

    /** The rewritten model, or empty (with one warning) when the file is not laid out as the export. */
    static java.util.Optional<byte[]> tryRewrite(byte[] model) {
        try {
            return java.util.Optional.of(rewrite(model));
        } catch (IllegalArgumentException | ArithmeticException | IndexOutOfBoundsException e) {
            LOG.warn("retinaface: this ONNX file is not laid out as the Pytorch_Retinaface export ({}); it runs at "
                    + "640x640 for every frame, which costs more CPU on wide frames", e.getMessage());
            return java.util.Optional.empty();
        }
    }

    /** @throws IllegalArgumentException when the file is not laid out as the Pytorch_Retinaface export */
    static byte[] rewrite(byte[] model) {
        List<Field> modelFields = parse(model);
        Field graphField = single(modelFields, 7, "ModelProto.graph");
        List<Field> graph = parse(graphField.bytes);

        int inputs = 0, outputs = 0;
        for (int i = 0; i < graph.size(); i++) {
            Field f = graph.get(i);
            if (f.number == 11 && inputs++ == 0) {
                graph.set(i, f.with(symbolicDims(f.bytes, new String[] {null, null, "h", "w"})));
            } else if (f.number == 12) {
                outputs++;
                graph.set(i, f.with(symbolicDims(f.bytes, new String[] {null, "an", null})));
            }
        }
        if (inputs != 1 || outputs != 3) {
            throw new IllegalArgumentException(inputs + " inputs and " + outputs + " outputs, expected 1 and 3");
        }

        List<Field> rewritten = new ArrayList<>();
        int resizes = 0;
        for (Field f : graph) {
            if (f.number != 1) {
                rewritten.add(f);
                continue;
            }
            Node n = Node.of(f.bytes);
            if (n.opType().equals("Resize")) {
                if (n.inputs().size() != 4 || !n.inputs().get(1).isEmpty() || !n.inputs().get(2).isEmpty()) {
                    throw new IllegalArgumentException("Resize inputs " + n.inputs() + " are not (x, '', '', sizes)");
                }
                String scales = n.outputs().get(0) + "/scales_by_2";
                rewritten.add(new Field(1, 2, 0, scalesConstant(scales)));
                rewritten.add(f.with(n.withInputs(List.of(n.inputs().get(0), "", scales))));
                resizes++;
            } else {
                rewritten.add(f);
            }
        }
        if (resizes != 2) {
            throw new IllegalArgumentException("found " + resizes + " Resize nodes, expected the FPN's 2");
        }
        removeDeadNodes(rewritten);

        for (int i = 0; i < modelFields.size(); i++) {
            if (modelFields.get(i) == graphField) {
                modelFields.set(i, graphField.with(encode(rewritten)));
            }
        }
        return encode(modelFields);
    }

    /** Nodes whose outputs nothing reads (the size computations) are dropped, until none is left. */
    private static void removeDeadNodes(List<Field> graph) {
        boolean removed = true;
        while (removed) {
            Set<String> read = new HashSet<>();
            for (Field f : graph) {
                if (f.number == 12) {
                    read.add(string(single(parse(f.bytes), 1, "ValueInfoProto.name").bytes));
                } else if (f.number == 1) {
                    read.addAll(Node.of(f.bytes).inputs());
                }
            }
            removed = graph.removeIf(f -> f.number == 1 && Node.of(f.bytes).outputs().stream().noneMatch(read::contains));
        }
    }

    /**
     * A ValueInfoProto with the named dimensions of its tensor shape made symbolic ({@code null} = kept).
     */
    private static byte[] symbolicDims(byte[] valueInfo, String[] names) {
        List<Field> vi = parse(valueInfo);
        Field type = single(vi, 2, "ValueInfoProto.type");
        List<Field> typeFields = parse(type.bytes);
        Field tensor = single(typeFields, 1, "TypeProto.tensor_type");
        List<Field> tensorFields = parse(tensor.bytes);
        Field shape = single(tensorFields, 2, "TypeProto.Tensor.shape");
        List<Field> dims = parse(shape.bytes);
        int d = 0;
        for (int i = 0; i < dims.size(); i++) {
            if (dims.get(i).number != 1) {
                continue;
            }
            if (d >= names.length) {
                throw new IllegalArgumentException("more than " + names.length + " dimensions");
            }
            if (names[d] != null) {
                dims.set(i, dims.get(i).with(encode(List.of(new Field(2, 2, 0, names[d].getBytes(StandardCharsets.UTF_8))))));
            }
            d++;
        }
        if (d != names.length) {
            throw new IllegalArgumentException(d + " dimensions, expected " + names.length);
        }
        replace(tensorFields, shape, encode(dims));
        replace(typeFields, tensor, encode(tensorFields));
        replace(vi, type, encode(typeFields));
        return encode(vi);
    }

    /** NodeProto {@code Constant} with a float [4] tensor (1, 1, 2, 2): Resize's scales. */
    private static byte[] scalesConstant(String name) {
        byte[] raw = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(1).putFloat(2).putFloat(2).array();
        byte[] tensor = encode(List.of(new Field(1, 0, 4, null), new Field(2, 0, 1, null),
                new Field(8, 2, 0, utf8(name + "_value")), new Field(9, 2, 0, raw)));
        byte[] attribute = encode(List.of(new Field(1, 2, 0, utf8("value")), new Field(5, 2, 0, tensor), new Field(20, 0, 4, null)));
        return encode(List.of(new Field(2, 2, 0, utf8(name)), new Field(3, 2, 0, utf8(name)),
                new Field(4, 2, 0, utf8("Constant")), new Field(5, 2, 0, attribute)));
    }

    /** A node's op type, inputs and outputs, and the node rewritten with other inputs. */
    private record Node(List<Field> fields, String opType, List<String> inputs, List<String> outputs) {
        static Node of(byte[] b) {
            List<Field> fs = parse(b);
            String op = "";
            List<String> in = new ArrayList<>(), out = new ArrayList<>();
            for (Field x : fs) {
                switch (x.number) {
                    case 1 -> in.add(string(x.bytes));
                    case 2 -> out.add(string(x.bytes));
                    case 4 -> op = string(x.bytes);
                    default -> { }
                }
            }
            return new Node(fs, op, in, out);
        }

        byte[] withInputs(List<String> newInputs) {
            List<Field> out = new ArrayList<>();
            boolean written = false;
            for (Field f : fields) {
                if (f.number == 1) {
                    if (!written) {
                        newInputs.forEach(i -> out.add(new Field(1, 2, 0, utf8(i))));
                        written = true;
                    }
                } else {
                    out.add(f);
                }
            }
            return encode(out);
        }
    }

    // --- protobuf, just enough: fields in order, varints and length-delimited payloads kept as bytes.

    /** A field: {@code varint} for wire type 0, {@code bytes} for the others (payload of 1, 2, 5). */
    private record Field(int number, int wire, long varint, byte[] bytes) {
        Field with(byte[] payload) {
            return new Field(number, wire, varint, payload);
        }
    }

    private static void replace(List<Field> fields, Field old, byte[] payload) {
        fields.set(fields.indexOf(old), old.with(payload));
    }

    private static Field single(List<Field> fs, int number, String what) {
        List<Field> m = fs.stream().filter(f -> f.number == number).toList();
        if (m.size() != 1) {
            throw new IllegalArgumentException(what + ": " + m.size() + " fields, expected 1");
        }
        return m.get(0);
    }

    private static List<Field> parse(byte[] b) {
        List<Field> out = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < b.length) {
            long key = varint(b, pos);
            int number = (int) (key >>> 3), wire = (int) (key & 7);
            switch (wire) {
                case 0 -> out.add(new Field(number, wire, varint(b, pos), null));
                case 1, 5 -> {
                    int n = wire == 1 ? 8 : 4;
                    out.add(new Field(number, wire, 0, slice(b, pos, n)));
                }
                case 2 -> out.add(new Field(number, wire, 0, slice(b, pos, Math.toIntExact(varint(b, pos)))));
                default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wire + " at " + pos[0]);
            }
        }
        return out;
    }

    private static byte[] slice(byte[] b, int[] pos, int n) {
        if (n < 0 || pos[0] + n > b.length) {
            throw new IllegalArgumentException("truncated protobuf field at " + pos[0]);
        }
        byte[] out = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + n);
        pos[0] += n;
        return out;
    }

    private static byte[] encode(List<Field> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Field f : fields) {
            writeVarint(out, ((long) f.number << 3) | f.wire);
            switch (f.wire) {
                case 0 -> writeVarint(out, f.varint);
                case 2 -> {
                    writeVarint(out, f.bytes.length);
                    out.writeBytes(f.bytes);
                }
                default -> out.writeBytes(f.bytes);
            }
        }
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
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

    private static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
