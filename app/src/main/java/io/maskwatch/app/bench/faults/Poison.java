package io.maskwatch.app.bench.faults;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/** Frames a detector must dead-letter instead of crashing on: built here, produced straight to the frames topic. */
final class Poison {
    private Poison() {
    }

    /** name -> bytes: a truncated JPEG, one whose header declares just over the pixel limit, and a decompression bomb. */
    static Map<String, byte[]> frames() {
        byte[] small = jpeg(64, 48);
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("corrupt-jpeg", Arrays.copyOf(small, small.length / 3));
        out.put("oversize", withDimensions(small, 8193, 8193));
        // 65000 x 65000 declared in a few hundred bytes: 12 GB of pixels if decoded
        out.put("decompression-bomb", withDimensions(small, 65000, 65000));
        return out;
    }

    private static byte[] jpeg(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            ImageIO.write(img, "jpg", buf);
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JPEG with its SOF0 frame header rewritten to declare {@code w} x {@code h}. */
    static byte[] withDimensions(byte[] jpeg, int w, int h) {
        byte[] b = jpeg.clone();
        for (int i = 2; i + 9 < b.length; ) {
            if ((b[i] & 0xFF) != 0xFF) {
                break;
            }
            int marker = b[i + 1] & 0xFF;
            int len = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
            if (marker == 0xC0 || marker == 0xC1 || marker == 0xC2) {
                b[i + 5] = (byte) (h >> 8);
                b[i + 6] = (byte) h;
                b[i + 7] = (byte) (w >> 8);
                b[i + 8] = (byte) w;
                return b;
            }
            i += 2 + len;
        }
        throw new IllegalStateException("no SOF marker in the generated JPEG");
    }
}
