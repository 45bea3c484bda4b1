package io.maskwatch.model;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * An 8-bit RGB image, interleaved (HWC), row-major: pixel (x, y) channel c is at
 * {@code rgb[(y * width + x) * 3 + c]}. The array is not copied; treat it as immutable.
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (rgb == null) {
            throw new IllegalArgumentException("rgb pixels are null");
        }
        if ((long) width * height * 3 != rgb.length) {
            throw new IllegalArgumentException("rgb has " + rgb.length + " bytes, expected width*height*3 = "
                    + (long) width * height * 3 + " for " + width + "x" + height);
        }
    }

    /** Red, green or blue value (0..255) of a pixel. */
    public int get(int x, int y, int channel) {
        return rgb[(y * width + x) * 3 + channel] & 0xff;
    }

    public static RgbImage fromBufferedImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        byte[] out = new byte[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            out[i * 3] = (byte) (p >> 16);
            out[i * 3 + 1] = (byte) (p >> 8);
            out[i * 3 + 2] = (byte) p;
        }
        return new RgbImage(w, h, out);
    }

    public BufferedImage toBufferedImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] argb = new int[width * height];
        for (int i = 0; i < argb.length; i++) {
            argb[i] = (rgb[i * 3] & 0xff) << 16 | (rgb[i * 3 + 1] & 0xff) << 8 | (rgb[i * 3 + 2] & 0xff);
        }
        image.setRGB(0, 0, width, height, argb, 0, width);
        return image;
    }

    /** Decodes a JPEG/PNG/BMP file; the message names the file when it is not a readable image. */
    public static RgbImage read(Path file) throws IOException {
        return decode(Files.readAllBytes(file), file.toString());
    }

    public static RgbImage decode(byte[] encoded, String what) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(encoded));
        if (image == null) {
            throw new IOException("not a decodable image: " + what);
        }
        return fromBufferedImage(image);
    }
}
