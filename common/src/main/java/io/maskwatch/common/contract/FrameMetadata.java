package io.maskwatch.common.contract;

import io.maskwatch.common.camera.CameraIds;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * What travels in the headers of a {@code maskwatch.frames} record (the value is the JPEG).
 * Numbers are written as 8-byte (long) or 4-byte (int) big-endian values.
 */
public record FrameMetadata(
        String cameraId,
        long captureTimestampMs,
        long sequence,
        int width,
        int height,
        int schemaVersion) {

    public static final String CAMERA = "mw.camera";
    public static final String CAPTURE_TS = "mw.capture.ts";
    public static final String SEQUENCE = "mw.seq";
    public static final String WIDTH = "mw.width";
    public static final String HEIGHT = "mw.height";
    public static final String SCHEMA = "mw.schema";
    public static final String CONTENT_TYPE = "mw.content.type";
    public static final String JPEG = "image/jpeg";

    public FrameMetadata {
        if (cameraId == null || cameraId.isBlank()) {
            throw new IllegalArgumentException("cameraId must not be blank");
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
    }

    public static FrameMetadata of(String cameraId, long captureTimestampMs, long sequence, int width, int height) {
        return new FrameMetadata(cameraId, captureTimestampMs, sequence, width, height, SchemaVersions.FRAME);
    }

    public void writeTo(Headers headers) {
        headers.remove(CAMERA).add(CAMERA, cameraId.getBytes(StandardCharsets.UTF_8));
        headers.remove(CAPTURE_TS).add(CAPTURE_TS, longBytes(captureTimestampMs));
        headers.remove(SEQUENCE).add(SEQUENCE, longBytes(sequence));
        headers.remove(WIDTH).add(WIDTH, intBytes(width));
        headers.remove(HEIGHT).add(HEIGHT, intBytes(height));
        headers.remove(SCHEMA).add(SCHEMA, intBytes(schemaVersion));
        headers.remove(CONTENT_TYPE).add(CONTENT_TYPE, JPEG.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the headers of a frame record.
     *
     * @throws EventDecodingException naming the missing or malformed header
     */
    public static FrameMetadata readFrom(String topic, Headers headers) {
        String camera = new String(required(topic, headers, CAMERA), StandardCharsets.UTF_8);
        if (!CameraIds.isValid(camera)) {
            // Before it becomes a metric label or Kafka key downstream: to the DLQ with the reason.
            throw new EventDecodingException(topic, "header " + CAMERA + " (camera id) " + CameraIds.problem(camera));
        }
        long ts = readLong(topic, headers, CAPTURE_TS);
        long seq = readLong(topic, headers, SEQUENCE);
        int width = readInt(topic, headers, WIDTH);
        int height = readInt(topic, headers, HEIGHT);
        int schema = readInt(topic, headers, SCHEMA);
        if (schema > SchemaVersions.FRAME) {
            throw new EventDecodingException(topic, "frame schema version " + schema
                    + " is newer than this service understands (" + SchemaVersions.FRAME + "); upgrade the consumer");
        }
        try {
            return new FrameMetadata(camera, ts, seq, width, height, schema);
        } catch (IllegalArgumentException e) {
            throw new EventDecodingException(topic, "invalid frame headers: " + e.getMessage(), e);
        }
    }

    private static byte[] required(String topic, Headers headers, String key) {
        Header h = headers.lastHeader(key);
        if (h == null || h.value() == null) {
            throw new EventDecodingException(topic, "missing header '" + key + "'");
        }
        return h.value();
    }

    private static long readLong(String topic, Headers headers, String key) {
        byte[] v = required(topic, headers, key);
        if (v.length != Long.BYTES) {
            throw new EventDecodingException(topic, "header '" + key + "' must be 8 bytes, got " + v.length);
        }
        return ByteBuffer.wrap(v).getLong();
    }

    private static int readInt(String topic, Headers headers, String key) {
        byte[] v = required(topic, headers, key);
        if (v.length != Integer.BYTES) {
            throw new EventDecodingException(topic, "header '" + key + "' must be 4 bytes, got " + v.length);
        }
        return ByteBuffer.wrap(v).getInt();
    }

    private static byte[] longBytes(long v) {
        return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(v).array();
    }
}
