package io.maskwatch.model.training;

import io.maskwatch.model.FacePreprocessor;
import io.maskwatch.model.RgbImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Training-time distortions that mimic camera faces: framing jitter (crop, scale, small
 * rotation, flip), colour and exposure, and above all loss of detail (blur, down-then-up
 * scaling, noise, JPEG re-compression). The detail losses are applied to both classes alike on
 * purpose: in the 12K source set unmasked crops were originally smaller and softer than masked
 * ones, and the network must not learn "sharp means mask". Output keeps the input's size; the
 * shared {@link FacePreprocessor} then resizes and normalises exactly as at inference.
 */
public final class Augmenter {
    /** Strength knobs; {@link #DEFAULT} is what the committed model was trained with. */
    public record Settings(double maxRotationDeg, double minScale, double maxScale, double maxShift,
                           double colour, double blurP, double downUpP, int downUpMinSide, int downUpMaxSide,
                           double noiseP, double jpegP, int jpegMinQuality, int jpegMaxQuality, double grayP) {
        public static final Settings DEFAULT = new Settings(12, 0.85, 1.15, 0.08, 0.35, 0.35, 0.5, 16, 64,
                0.2, 0.4, 25, 85, 0.05);
    }

    private final Settings s;

    public Augmenter(Settings settings) {
        this.s = settings;
    }

    public RgbImage apply(RgbImage in, Random r) {
        RgbImage img = geometric(in, r);
        img = colour(img, r);
        if (r.nextDouble() < s.blurP()) {
            img = gaussianBlur(img, 0.4 + r.nextDouble() * 1.2);
        }
        if (r.nextDouble() < s.downUpP()) {
            int side = s.downUpMinSide() + r.nextInt(s.downUpMaxSide() - s.downUpMinSide() + 1);
            int longer = Math.max(img.width(), img.height());
            if (side < longer) {
                int w = Math.max(4, img.width() * side / longer);
                int h = Math.max(4, img.height() * side / longer);
                img = FacePreprocessor.resize(FacePreprocessor.resize(img, w, h), img.width(), img.height());
            }
        }
        if (r.nextDouble() < s.noiseP()) {
            img = noise(img, 2 + r.nextDouble() * 6, r);
        }
        if (r.nextDouble() < s.jpegP()) {
            img = jpeg(img, s.jpegMinQuality() + r.nextInt(s.jpegMaxQuality() - s.jpegMinQuality() + 1));
        }
        return img;
    }

    /** Zoom, aspect, shift, rotation and horizontal flip in one inverse mapping, edges replicated. */
    RgbImage geometric(RgbImage in, Random r) {
        int w = in.width();
        int h = in.height();
        double scale = s.minScale() + r.nextDouble() * (s.maxScale() - s.minScale());
        double aspect = 1 + (r.nextDouble() * 2 - 1) * 0.1;
        double sx = scale * aspect;
        double sy = scale / aspect;
        double angle = Math.toRadians((r.nextDouble() * 2 - 1) * s.maxRotationDeg());
        double tx = (r.nextDouble() * 2 - 1) * s.maxShift() * w;
        double ty = (r.nextDouble() * 2 - 1) * s.maxShift() * h;
        boolean flip = r.nextBoolean();
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        byte[] src = in.rgb();
        byte[] out = new byte[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dx = ((flip ? w - 1 - x : x) - cx) / sx;
                double dy = (y - cy) / sy;
                double u = cos * dx - sin * dy + cx + tx;
                double v = sin * dx + cos * dy + cy + ty;
                u = Math.max(0, Math.min(w - 1, u));
                v = Math.max(0, Math.min(h - 1, v));
                int x0 = (int) u;
                int y0 = (int) v;
                int x1 = Math.min(w - 1, x0 + 1);
                int y1 = Math.min(h - 1, y0 + 1);
                double fx = u - x0;
                double fy = v - y0;
                int o = (y * w + x) * 3;
                for (int c = 0; c < 3; c++) {
                    double top = (src[(y0 * w + x0) * 3 + c] & 0xff) * (1 - fx) + (src[(y0 * w + x1) * 3 + c] & 0xff) * fx;
                    double bot = (src[(y1 * w + x0) * 3 + c] & 0xff) * (1 - fx) + (src[(y1 * w + x1) * 3 + c] & 0xff) * fx;
                    out[o + c] = (byte) (int) Math.round(top * (1 - fy) + bot * fy);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    /** Brightness, contrast, saturation, white balance, occasional grayscale. */
    RgbImage colour(RgbImage in, Random r) {
        double k = s.colour();
        double brightness = 1 + (r.nextDouble() * 2 - 1) * k;
        double contrast = 1 + (r.nextDouble() * 2 - 1) * k;
        double saturation = r.nextDouble() < s.grayP() ? 0 : 1 + (r.nextDouble() * 2 - 1) * k;
        double[] gain = {1 + (r.nextDouble() * 2 - 1) * 0.08, 1, 1 + (r.nextDouble() * 2 - 1) * 0.08};
        byte[] p = in.rgb();
        int n = in.width() * in.height();
        double meanLuma = 0;
        for (int i = 0; i < n; i++) {
            meanLuma += luma(p, i);
        }
        meanLuma /= n;
        byte[] out = new byte[p.length];
        for (int i = 0; i < n; i++) {
            double l = luma(p, i);
            for (int c = 0; c < 3; c++) {
                double v = (p[i * 3 + c] & 0xff) * gain[c];
                v = l + (v - l) * saturation;
                v = meanLuma + (v - meanLuma) * contrast;
                v *= brightness;
                out[i * 3 + c] = clamp(v);
            }
        }
        return new RgbImage(in.width(), in.height(), out);
    }

    private static double luma(byte[] p, int i) {
        return 0.299 * (p[i * 3] & 0xff) + 0.587 * (p[i * 3 + 1] & 0xff) + 0.114 * (p[i * 3 + 2] & 0xff);
    }

    static RgbImage gaussianBlur(RgbImage in, double sigma) {
        int radius = Math.max(1, (int) Math.ceil(sigma * 2.5));
        double[] kernel = new double[radius * 2 + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            kernel[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += kernel[i + radius];
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] /= sum;
        }
        int w = in.width();
        int h = in.height();
        byte[] src = in.rgb();
        double[] tmp = new double[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double acc = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int xx = Math.max(0, Math.min(w - 1, x + k));
                        acc += kernel[k + radius] * (src[(y * w + xx) * 3 + c] & 0xff);
                    }
                    tmp[(y * w + x) * 3 + c] = acc;
                }
            }
        }
        byte[] out = new byte[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double acc = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int yy = Math.max(0, Math.min(h - 1, y + k));
                        acc += kernel[k + radius] * tmp[(yy * w + x) * 3 + c];
                    }
                    out[(y * w + x) * 3 + c] = clamp(acc);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    static RgbImage noise(RgbImage in, double sigma, Random r) {
        byte[] p = in.rgb();
        byte[] out = new byte[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = clamp((p[i] & 0xff) + r.nextGaussian() * sigma);
        }
        return new RgbImage(in.width(), in.height(), out);
    }

    /** Encodes at the given JPEG quality and decodes again. */
    static RgbImage jpeg(RgbImage in, int quality) {
        try {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality / 100f);
                writer.write(null, new IIOImage(in.toBufferedImage(), null, null), param);
            } finally {
                writer.dispose();
            }
            return RgbImage.decode(bytes.toByteArray(), "re-compressed crop");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte clamp(double v) {
        return (byte) (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
