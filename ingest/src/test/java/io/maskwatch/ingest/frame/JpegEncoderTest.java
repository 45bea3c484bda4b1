package io.maskwatch.ingest.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.ingest.testing.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class JpegEncoderTest {
    @Test
    void scalesDownToMaxWidthKeepingAspectAndEncodesAJpeg() throws Exception {
        try (Mat img = TestImages.discOnBlue(1280, 720); JpegEncoder enc = new JpegEncoder(640, 85)) {
            JpegEncoder.Jpeg jpeg = enc.encode(enc.scale(img));
            assertEquals(640, jpeg.width());
            assertEquals(360, jpeg.height());
            assertEquals((byte) 0xFF, jpeg.bytes()[0]);
            assertEquals((byte) 0xD8, jpeg.bytes()[1]);
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg.bytes()));
            assertEquals(640, decoded.getWidth());
            assertEquals(360, decoded.getHeight());
            int disc = decoded.getRGB(160, 180);
            int background = decoded.getRGB(600, 20);
            assertTrue(((disc >> 16) & 0xff) > 200, "disc is red (BGR order kept)");
            assertTrue((background & 0xff) > 150 && ((background >> 16) & 0xff) < 60, "background is blue");
        }
    }

    @Test
    void smallerFramesAndZeroMaxWidthKeepTheirSize() {
        try (Mat img = TestImages.discOnBlue(320, 240); JpegEncoder enc = new JpegEncoder(640, 85);
             JpegEncoder keep = new JpegEncoder(0, 85)) {
            assertEquals(320, enc.encode(enc.scale(img)).width());
            try (Mat big = TestImages.discOnBlue(1920, 1080)) {
                assertEquals(1920, keep.encode(keep.scale(big)).width());
            }
        }
    }

    @Test
    void qualityTradesSizeForFidelity() {
        try (Mat img = TestImages.discOnBlue(1280, 720); JpegEncoder low = new JpegEncoder(0, 20);
             JpegEncoder high = new JpegEncoder(0, 95)) {
            assertTrue(low.encode(img).bytes().length < high.encode(img).bytes().length);
        }
    }

    @Test
    void rejectsBadQualityAndEmptyImages() {
        assertThrows(IllegalArgumentException.class, () -> new JpegEncoder(0, 0));
        try (JpegEncoder enc = new JpegEncoder(0, 80); Mat empty = new Mat()) {
            assertThrows(IllegalArgumentException.class, () -> enc.encode(empty));
        }
    }
}
