package io.maskwatch.detector.frame;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/** JPEG in and out of OpenCV mats (BGR). */
public final class Jpeg {
    /** Frames larger than this are refused as decompression bombs. */
    public static final long MAX_PIXELS = 8192L * 8192L;

    private Jpeg() {
    }

    /**
     * Decodes an image (JPEG, or anything OpenCV reads) to 8-bit BGR.
     *
     * @throws FrameDecodingException when the bytes are empty, not an image, or absurdly large
     */
    public static Mat decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new FrameDecodingException("empty frame (no bytes)");
        }
        boolean jpegMagic = bytes.length >= 3 && (bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xD8
                && (bytes[2] & 0xff) == 0xFF;
        Mat out;
        try (Mat buf = new Mat(1, bytes.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1)) {
            buf.data().put(bytes);
            out = imdecode(buf, IMREAD_COLOR);
        } catch (RuntimeException e) {
            throw new FrameDecodingException("undecodable image (" + bytes.length + " bytes): " + e.getMessage());
        }
        if (out == null || out.empty()) {
            throw new FrameDecodingException(jpegMagic
                    ? "corrupt JPEG (" + bytes.length + " bytes) that OpenCV cannot decode"
                    : "not a JPEG (" + bytes.length + " bytes, starts with " + hexHead(bytes) + ")");
        }
        if ((long) out.cols() * out.rows() > MAX_PIXELS) {
            int w = out.cols(), h = out.rows();
            out.close();
            throw new FrameDecodingException("image too large: " + w + "x" + h);
        }
        return out;
    }

    public static byte[] encode(Mat bgr, int quality) {
        try (BytePointer buf = new BytePointer()) {
            if (!imencode(".jpg", bgr, buf, new org.bytedeco.javacpp.IntPointer(IMWRITE_JPEG_QUALITY, quality))) {
                throw new IllegalStateException("OpenCV could not encode a " + bgr.cols() + "x" + bgr.rows() + " JPEG");
            }
            byte[] out = new byte[(int) buf.limit()];
            buf.get(out);
            return out;
        }
    }

    private static String hexHead(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(4, b.length); i++) {
            sb.append(String.format("%02x", b[i] & 0xff));
        }
        return sb.toString();
    }
}
