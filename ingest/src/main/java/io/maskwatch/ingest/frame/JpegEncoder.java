package io.maskwatch.ingest.frame;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Scales a BGR frame down to at most {@code maxWidth} (keeping the aspect ratio) and encodes it as
 * JPEG with OpenCV. One instance per camera thread: it reuses its native buffers and is not thread-safe.
 */
public final class JpegEncoder implements AutoCloseable {
    private final int maxWidth;
    private final IntPointer params;
    private final Mat scaled = new Mat();

    /** A JPEG and the size of the image it holds. */
    public record Jpeg(byte[] bytes, int width, int height) {
    }

    /**
     * @param maxWidth frames wider than this are scaled down; 0 keeps every size
     * @param quality  JPEG quality 1..100
     */
    public JpegEncoder(int maxWidth, int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1..100, got " + quality);
        }
        this.maxWidth = maxWidth;
        this.params = new IntPointer(IMWRITE_JPEG_QUALITY, quality);
    }

    /** The frame to encode: the input itself, or a scaled copy when it is wider than {@code maxWidth}. */
    public Mat scale(Mat bgr) {
        if (maxWidth <= 0 || bgr.cols() <= maxWidth) {
            return bgr;
        }
        int height = Math.max(1, (int) Math.round(bgr.rows() * (double) maxWidth / bgr.cols()));
        resize(bgr, scaled, new Size(maxWidth, height), 0, 0, INTER_AREA);
        return scaled;
    }

    /** Encodes an already scaled frame (see {@link #scale}). */
    public Jpeg encode(Mat image) {
        if (image.empty() || image.cols() <= 0 || image.rows() <= 0) {
            throw new IllegalArgumentException("empty image");
        }
        try (BytePointer buf = new BytePointer()) {
            if (!imencode(".jpg", image, buf, params)) {
                throw new IllegalStateException("OpenCV could not encode a " + image.cols() + "x" + image.rows()
                        + " image with " + image.channels() + " channels as JPEG");
            }
            byte[] out = new byte[(int) buf.limit()];
            buf.get(out);
            return new Jpeg(out, image.cols(), image.rows());
        }
    }

    @Override
    public void close() {
        scaled.close();
        params.close();
    }
}
