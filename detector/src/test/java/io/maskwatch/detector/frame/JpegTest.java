package io.maskwatch.detector.frame;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class JpegTest {
    @Test
    void roundTrip() {
        try (Mat m = new Mat(48, 64, CV_8UC3, new Scalar(10, 200, 30, 0)); Mat back = Jpeg.decode(Jpeg.encode(m, 90))) {
            assertEquals(64, back.cols());
            assertEquals(48, back.rows());
        }
    }

    @Test
    void garbageIsAClearDecodingError() {
        FrameDecodingException e = assertThrows(FrameDecodingException.class,
                () -> Jpeg.decode("hello, not a jpeg".getBytes()));
        assertTrue(e.getMessage().startsWith("not a JPEG (17 bytes, starts with 68656c6c)"), e.getMessage());
        assertThrows(FrameDecodingException.class, () -> Jpeg.decode(new byte[0]));
    }

    @Test
    void jpegHeaderWithGarbageBodyIsCorrupt() {
        byte[] bytes = new byte[2000];
        Arrays.fill(bytes, (byte) 0x55);
        bytes[0] = (byte) 0xFF;
        bytes[1] = (byte) 0xD8;
        bytes[2] = (byte) 0xFF;
        FrameDecodingException e = assertThrows(FrameDecodingException.class, () -> Jpeg.decode(bytes));
        assertTrue(e.getMessage().contains("corrupt JPEG"), e.getMessage());
    }

    @Test
    void headerSizeIsReadWithoutDecoding() {
        try (Mat m = new Mat(48, 64, CV_8UC3, new Scalar(10, 200, 30, 0))) {
            assertEquals(new Jpeg.Size(64, 48), Jpeg.headerSize(Jpeg.encode(m, 90)));
        }
        assertEquals(null, Jpeg.headerSize("hello".getBytes()));
    }

    @Test
    void decompressionBombIsRefusedFromItsHeader() {
        byte[] bytes;
        try (Mat m = new Mat(48, 64, CV_8UC3, new Scalar(10, 200, 30, 0))) {
            bytes = Jpeg.encode(m, 90);
        }
        // Rewrite the frame header to claim 60000x50000 (3 Gpx): a few kB that would decode to 9 GB.
        int sof = sofOffset(bytes);
        bytes[sof + 5] = (byte) (50000 >> 8);
        bytes[sof + 6] = (byte) (50000 & 0xff);
        bytes[sof + 7] = (byte) (60000 >> 8);
        bytes[sof + 8] = (byte) (60000 & 0xff);
        byte[] bomb = bytes;
        FrameDecodingException e = assertThrows(FrameDecodingException.class, () -> Jpeg.decode(bomb));
        assertTrue(e.getMessage().startsWith("image too large: 60000x50000"), e.getMessage());
    }

    @Test
    void reducedDecodeHalvesEachSide() {
        try (Mat m = new Mat(480, 640, CV_8UC3, new Scalar(10, 200, 30, 0))) {
            byte[] jpeg = Jpeg.encode(m, 90);
            try (Mat half = Jpeg.decode(jpeg, 2); Mat quarter = Jpeg.decode(jpeg, 4)) {
                assertEquals(320, half.cols());
                assertEquals(240, half.rows());
                assertEquals(160, quarter.cols());
                assertEquals(120, quarter.rows());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Jpeg.decode(new byte[] {1}, 3));
    }

    private static int sofOffset(byte[] b) {
        for (int i = 2; i + 1 < b.length; i++) {
            if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) == 0xC0) {
                return i;
            }
        }
        throw new AssertionError("no baseline SOF0 marker in the encoded JPEG");
    }
}
