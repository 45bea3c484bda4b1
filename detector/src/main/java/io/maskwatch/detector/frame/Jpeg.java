package io.maskwatch.detector.frame;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
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

    /** Pixel size read from an image header, without decoding. */
    public record Size(int width, int height) {
        public long pixels() {
            return (long) width * height;
        }
    }

    /**
     * Decodes an image (JPEG, or anything OpenCV reads) to 8-bit BGR.
     *
     * @throws FrameDecodingException when the bytes are empty, not an image, or absurdly large
     */
    public static Mat decode(byte[] bytes) {
        return decode(bytes, 1);
    }

    /**
     * Decodes at 1/{@code reduce} of the full size (1, 2, 4 or 8). JPEGs are scaled inside libjpeg's
     * IDCT, which is much cheaper than a full decode plus a resize; the result is about
     * ceil(w / reduce) x ceil(h / reduce). Callers map coordinates back by the actual ratio.
     *
     * @throws FrameDecodingException when the bytes are empty, not an image, or over {@link #MAX_PIXELS}
     *                                (checked on the header before anything is decoded, where the format allows)
     */
    public static Mat decode(byte[] bytes, int reduce) {
        if (bytes == null || bytes.length == 0) {
            throw new FrameDecodingException("empty frame (no bytes)");
        }
        int flag = switch (reduce) {
            case 1 -> IMREAD_COLOR;
            case 2 -> IMREAD_REDUCED_COLOR_2;
            case 4 -> IMREAD_REDUCED_COLOR_4;
            case 8 -> IMREAD_REDUCED_COLOR_8;
            default -> throw new IllegalArgumentException("reduce must be 1, 2, 4 or 8, got " + reduce);
        };
        boolean jpegMagic = isJpeg(bytes);
        // A 100 kB JPEG can claim 65535x65535 pixels (12 GB of BGR): refuse it before the decoder allocates.
        Size declared = headerSize(bytes);
        if (declared != null && declared.pixels() > MAX_PIXELS) {
            throw tooLarge(declared.width(), declared.height());
        }
        Mat out;
        try (Mat buf = new Mat(1, bytes.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1)) {
            buf.data().put(bytes);
            out = imdecode(buf, flag);
        } catch (RuntimeException e) {
            throw new FrameDecodingException("undecodable image (" + bytes.length + " bytes): " + e.getMessage());
        }
        if (out == null || out.empty()) {
            throw new FrameDecodingException(jpegMagic
                    ? "corrupt JPEG (" + bytes.length + " bytes) that OpenCV cannot decode"
                    : "not a JPEG (" + bytes.length + " bytes, starts with " + hexHead(bytes) + ")");
        }
        // Formats without a header we parse (BMP, TIFF, WebP) are checked after the decode.
        if ((long) out.cols() * out.rows() * (long) reduce * reduce > MAX_PIXELS) {
            int w = out.cols(), h = out.rows();
            out.close();
            throw tooLarge(w * reduce, h * reduce);
        }
        return out;
    }

    /**
     * Width and height declared by a JPEG (first SOF marker) or PNG (IHDR) header, or null when the
     * bytes are neither or the header is truncated. Reads only the header.
     */
    public static Size headerSize(byte[] b) {
        if (b == null) {
            return null;
        }
        if (b.length >= 24 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[12] == 'I' && b[13] == 'H' && b[14] == 'D' && b[15] == 'R') {
            long w = u32(b, 16), h = u32(b, 20);
            return new Size((int) Math.min(w, Integer.MAX_VALUE), (int) Math.min(h, Integer.MAX_VALUE));
        }
        if (!isJpeg(b)) {
            return null;
        }
        int i = 2;
        while (i + 3 < b.length) {
            if ((b[i] & 0xff) != 0xFF) {
                return null; // not at a marker: malformed, let the decoder say so
            }
            int marker = b[i + 1] & 0xff;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                i += 2; // markers without a length
                continue;
            }
            if (marker == 0xD9 || marker == 0xDA) {
                return null; // end of image or start of scan before any frame header
            }
            int len = u16(b, i + 2);
            // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC): length, precision, height, width.
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                if (i + 9 > b.length) {
                    return null;
                }
                return new Size(u16(b, i + 7), u16(b, i + 5));
            }
            if (len < 2) {
                return null;
            }
            i += 2 + len;
        }
        return null;
    }

    private static FrameDecodingException tooLarge(int w, int h) {
        return new FrameDecodingException("image too large: " + w + "x" + h + " is over the limit of "
                + MAX_PIXELS + " pixels (8192x8192); scale the stream down at the camera or in ingest");
    }

    private static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF;
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    private static long u32(byte[] b, int i) {
        return ((long) u16(b, i) << 16) | u16(b, i + 2);
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
