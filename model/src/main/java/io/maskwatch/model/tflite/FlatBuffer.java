package io.maskwatch.model.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Just enough of the FlatBuffers binary format to walk a TFLite file: tables with vtables, vectors,
 * strings and scalars, little-endian. Every access is bounds-checked so a truncated or foreign file
 * fails with {@link TfliteFormatException} instead of reading garbage.
 */
final class FlatBuffer {
    private final ByteBuffer b;

    FlatBuffer(byte[] bytes) {
        this.b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    int size() {
        return b.capacity();
    }

    private void check(int pos, int len, String what) {
        if (pos < 0 || len < 0 || (long) pos + len > b.capacity()) {
            throw new TfliteFormatException(what + " at byte " + pos + " (+" + len + ") lies outside the "
                    + b.capacity() + "-byte file: the file is truncated or not a TFLite flatbuffer");
        }
    }

    int i32(int pos) {
        check(pos, 4, "int");
        return b.getInt(pos);
    }

    long i64(int pos) {
        check(pos, 8, "long");
        return b.getLong(pos);
    }

    float f32(int pos) {
        check(pos, 4, "float");
        return b.getFloat(pos);
    }

    int u16(int pos) {
        check(pos, 2, "short");
        return b.getShort(pos) & 0xffff;
    }

    int u8(int pos) {
        check(pos, 1, "byte");
        return b.get(pos) & 0xff;
    }

    /** Position of the table that the uoffset at {@code pos} points to. */
    int deref(int pos) {
        int t = pos + i32(pos);
        check(t, 4, "table");
        return t;
    }

    /** Absolute position of field {@code id} of the table at {@code table}, or -1 when absent (default). */
    int field(int table, int id) {
        int vt = table - i32(table);
        int vtSize = u16(vt);
        int slot = 4 + 2 * id;
        if (slot + 2 > vtSize) {
            return -1;
        }
        int off = u16(vt + slot);
        return off == 0 ? -1 : table + off;
    }

    int intField(int table, int id, int dflt) {
        int p = field(table, id);
        return p < 0 ? dflt : i32(p);
    }

    int byteField(int table, int id, int dflt) {
        int p = field(table, id);
        return p < 0 ? dflt : u8(p);
    }

    long longField(int table, int id, long dflt) {
        int p = field(table, id);
        return p < 0 ? dflt : i64(p);
    }

    /** Sub-table of a field, or -1. */
    int tableField(int table, int id) {
        int p = field(table, id);
        return p < 0 ? -1 : deref(p);
    }

    /** Start (first element) of a vector field, or -1; its length is {@link #vectorLength}. */
    int vectorField(int table, int id) {
        int p = field(table, id);
        if (p < 0) {
            return -1;
        }
        int v = p + i32(p);
        int len = i32(v);
        check(v + 4, Math.max(0, len), "vector");
        return v + 4;
    }

    int vectorLength(int start) {
        return start < 0 ? 0 : i32(start - 4);
    }

    int[] intVector(int table, int id) {
        int v = vectorField(table, id);
        int n = vectorLength(v);
        if (v < 0) {
            return new int[0];
        }
        check(v, n * 4, "int vector");
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i32(v + 4 * i);
        }
        return out;
    }

    float[] floatVector(int table, int id) {
        int v = vectorField(table, id);
        int n = vectorLength(v);
        if (v < 0) {
            return new float[0];
        }
        check(v, n * 4, "float vector");
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = f32(v + 4 * i);
        }
        return out;
    }

    long[] longVector(int table, int id) {
        int v = vectorField(table, id);
        int n = vectorLength(v);
        if (v < 0) {
            return new long[0];
        }
        check(v, n * 8, "long vector");
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = i64(v + 8 * i);
        }
        return out;
    }

    /** Positions of the tables of a vector-of-tables field. */
    int[] tableVector(int table, int id) {
        int v = vectorField(table, id);
        int n = vectorLength(v);
        if (v < 0) {
            return new int[0];
        }
        check(v, n * 4, "table vector");
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = deref(v + 4 * i);
        }
        return out;
    }

    String string(int table, int id) {
        int v = vectorField(table, id);
        if (v < 0) {
            return null;
        }
        int n = vectorLength(v);
        check(v, n, "string");
        byte[] s = new byte[n];
        b.get(v, s);
        return new String(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    byte[] bytes(int pos, int len) {
        check(pos, len, "data");
        byte[] out = new byte[len];
        b.get(pos, out);
        return out;
    }
}
