package io.maskwatch.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * The one pre-processing of face crops, used by training and inference alike: resize to
 * {@code size x size} (bilinear, half-pixel centres; large crops are first box-averaged so
 * downscaling does not alias), then per-channel {@code (v / 255 - mean) / std}, laid out CHW.
 * Crops are stretched, not padded: the detector's face boxes and the training crops are both
 * roughly square, so stretching keeps the two distributions alike.
 */
public final class FacePreprocessor {
    /** ImageNet statistics; the network is trained from scratch, but they centre RGB well enough. */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private final int size;
    private final float[] mean;
    private final float[] std;

    public FacePreprocessor(int size, float[] mean, float[] std) {
        if (size < 16) {
            throw new IllegalArgumentException("input size must be at least 16, got " + size);
        }
        if (mean == null || std == null || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (R, G, B)");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be positive, got " + Arrays.toString(std));
            }
        }
        this.size = size;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    public static FacePreprocessor of(ModelMetadata metadata) {
        return new FacePreprocessor(metadata.inputSize(), metadata.mean(), metadata.std());
    }

    public int size() {
        return size;
    }

    public float[] mean() {
        return mean.clone();
    }

    public float[] std() {
        return std.clone();
    }

    /** The crop resized to {@code size x size}; returns the input itself when it already has that size. */
    public RgbImage resize(RgbImage image) {
        return resize(image, size, size);
    }

    /** Bilinear resize to any size, with a box pre-shrink for factors of 2 or more. */
    public static RgbImage resize(RgbImage image, int outW, int outH) {
        if (image.width() == outW && image.height() == outH) {
            return image;
        }
        RgbImage src = boxShrink(image, Math.max(1, image.width() / outW), Math.max(1, image.height() / outH));
        int sw = src.width();
        int sh = src.height();
        byte[] s = src.rgb();
        byte[] out = new byte[outW * outH * 3];
        float scaleX = (float) sw / outW;
        float scaleY = (float) sh / outH;
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        float[] fx = new float[outW];
        for (int x = 0; x < outW; x++) {
            float sx = Math.max(0f, Math.min(sw - 1f, (x + 0.5f) * scaleX - 0.5f));
            x0[x] = (int) sx;
            x1[x] = Math.min(sw - 1, x0[x] + 1);
            fx[x] = sx - x0[x];
        }
        for (int y = 0; y < outH; y++) {
            float sy = Math.max(0f, Math.min(sh - 1f, (y + 0.5f) * scaleY - 0.5f));
            int y0 = (int) sy;
            int y1 = Math.min(sh - 1, y0 + 1);
            float fy = sy - y0;
            int r0 = y0 * sw * 3;
            int r1 = y1 * sw * 3;
            int o = y * outW * 3;
            for (int x = 0; x < outW; x++) {
                int a = x0[x] * 3;
                int b = x1[x] * 3;
                float wx = fx[x];
                for (int c = 0; c < 3; c++) {
                    float top = (s[r0 + a + c] & 0xff) * (1 - wx) + (s[r0 + b + c] & 0xff) * wx;
                    float bottom = (s[r1 + a + c] & 0xff) * (1 - wx) + (s[r1 + b + c] & 0xff) * wx;
                    out[o + x * 3 + c] = (byte) Math.round(top * (1 - fy) + bottom * fy);
                }
            }
        }
        return new RgbImage(outW, outH, out);
    }

    private static RgbImage boxShrink(RgbImage image, int kx, int ky) {
        if (kx == 1 && ky == 1) {
            return image;
        }
        int w = image.width() / kx;
        int h = image.height() / ky;
        byte[] s = image.rgb();
        byte[] out = new byte[w * h * 3];
        int n = kx * ky;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    int sum = 0;
                    for (int dy = 0; dy < ky; dy++) {
                        int row = ((y * ky + dy) * image.width() + x * kx) * 3 + c;
                        for (int dx = 0; dx < kx; dx++) {
                            sum += s[row + dx * 3] & 0xff;
                        }
                    }
                    out[(y * w + x) * 3 + c] = (byte) ((sum + n / 2) / n);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    /** Resized and normalised, CHW, {@code 3 * size * size} floats. */
    public float[] toChw(RgbImage image) {
        float[] out = new float[3 * size * size];
        toChw(image, out, 0);
        return out;
    }

    /** Writes the CHW tensor of one crop into {@code dst} starting at {@code offset}. */
    public void toChw(RgbImage image, float[] dst, int offset) {
        RgbImage r = resize(image);
        byte[] p = r.rgb();
        int plane = size * size;
        for (int c = 0; c < 3; c++) {
            float m = mean[c];
            float inv = 1f / (255f * std[c]);
            float shift = m / std[c];
            int base = offset + c * plane;
            for (int i = 0; i < plane; i++) {
                dst[base + i] = (p[i * 3 + c] & 0xff) * inv - shift;
            }
        }
    }

    /** A float32 batch {@code (N, 3, size, size)} owned by {@code manager}. */
    public NDArray toBatch(NDManager manager, List<RgbImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to pre-process");
        }
        int per = 3 * size * size;
        float[] data = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            toChw(images.get(i), data, i * per);
        }
        return manager.create(data, new Shape(images.size(), 3, size, size));
    }
}
