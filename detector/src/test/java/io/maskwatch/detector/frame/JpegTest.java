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
}
