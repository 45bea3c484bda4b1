package io.maskwatch.ingest.frame;

import static org.bytedeco.opencv.global.opencv_core.PSNR;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.ingest.testing.TestImages;
import io.maskwatch.ingest.testing.TestMedia;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfmpegJpegEncoderTest {
    @Test
    void qualityMapsToLibjpegTables() {
        // libjpeg's q50 is Annex K itself, q100 all ones, q85 = 30 %.
        int[] base = new int[64];
        java.util.Arrays.fill(base, 99);
        assertEquals(99, FfmpegJpegEncoder.table(base, 50)[5]);
        assertEquals(30, FfmpegJpegEncoder.table(base, 85)[5]);
        assertEquals(1, FfmpegJpegEncoder.table(base, 100)[5]);
        assertEquals(255, FfmpegJpegEncoder.table(base, 1)[5]);
    }

    @Test
    void scalesAndKeepsColoursInFullRange() throws Exception {
        try (Mat img = TestImages.discOnBlue(1280, 720); FfmpegJpegEncoder enc = new FfmpegJpegEncoder(640, 85)) {
            JpegEncoder.Jpeg jpeg = enc.encode(img);
            assertEquals(640, jpeg.width());
            assertEquals(360, jpeg.height());
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg.bytes()));
            assertEquals(640, decoded.getWidth());
            assertEquals(360, decoded.getHeight());
            int disc = decoded.getRGB(160, 180);
            int background = decoded.getRGB(600, 20);
            // Limited-range output decoded as JFIF would show the red as ~(235, 16, 16) and the blue washed out.
            assertTrue(((disc >> 16) & 0xff) > 245, "disc is red: " + Integer.toHexString(disc));
            assertEquals(20, (background >> 16) & 0xff, 4, "background R");
            assertEquals(80, (background >> 8) & 0xff, 4, "background G");
            assertEquals(200, background & 0xff, 4, "background B");
        }
    }

    @Test
    void encodesFramesOfAnySizeAgainAndRejectsBadInput() {
        try (FfmpegJpegEncoder enc = new FfmpegJpegEncoder(0, 85); Mat a = TestImages.discOnBlue(321, 241);
             Mat b = TestImages.discOnBlue(640, 360); Mat empty = new Mat()) {
            assertEquals(321, enc.encode(a).width());
            assertEquals(640, enc.encode(b).width());
            assertEquals(241, enc.encode(a).height());
            assertThrows(IllegalArgumentException.class, () -> enc.encode(empty));
        }
        assertThrows(IllegalArgumentException.class, () -> new FfmpegJpegEncoder(0, 101));
    }

    @Test
    void aSizeTheEncoderRefusesFailsCleanlyEveryTime() {
        // MJPEG stops at 65500 px a side: the encoder fails to open. A second frame of that size found the
        // half-opened encoder and passed FFmpeg a null frame (SIGSEGV); it must fail the same way again.
        try (FfmpegJpegEncoder enc = new FfmpegJpegEncoder(0, 85);
             Mat wide = new Mat(2, 65_501, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(0, 0, 0, 0));
             Mat ok = TestImages.discOnBlue(64, 48)) {
            for (int i = 0; i < 2; i++) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> enc.encode(wide));
                assertTrue(e.getMessage().contains("avcodec_open2"), e.getMessage());
            }
            assertEquals(64, enc.encode(ok).width(), "usable again for a size it can encode");
        }
    }

    @Test
    void aVideoFrameMatchesOpenCvQualityAndColour(@TempDir Path tmp) throws Exception {
        Path clip = TestMedia.clip(tmp, "one-man-no-mask.mp4", 1280, 720);
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(clip.toString());
             OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
            g.start();
            Frame f = null;
            for (int i = 0; i < 60; i++) {
                f = g.grabImage();
            }
            Mat src = conv.convert(f).clone();
            for (int q : new int[] {50, 85, 95}) {
                try (JpegEncoder cv = new JpegEncoder(0, q); FfmpegJpegEncoder ff = new FfmpegJpegEncoder(0, q)) {
                    JpegEncoder.Jpeg a = cv.encode(src);
                    JpegEncoder.Jpeg b = ff.encode(src);
                    Mat da = imdecode(new Mat(a.bytes()), IMREAD_COLOR);
                    Mat db = imdecode(new Mat(b.bytes()), IMREAD_COLOR);
                    double pa = PSNR(src, da);
                    double pb = PSNR(src, db);
                    System.out.printf(Locale.ROOT, "%dx%d q%d: opencv %.2f dB %d B, ffmpeg %.2f dB %d B%n",
                            src.cols(), src.rows(), q, pa, a.bytes().length, pb, b.bytes().length);
                    // FFmpeg's MJPEG quantises DC by 8 at every quality (libjpeg: 5 at q85, 2 at q95): near q100 it trails.
                    assertTrue(pb > pa - (q >= 90 ? 1.0 : 0.5), "ffmpeg PSNR " + pb + " vs opencv " + pa + " at q" + q);
                    assertTrue(b.bytes().length < a.bytes().length * 1.25, "size at q" + q);
                    Scalar ms = mean(src);
                    Scalar mb = mean(db);
                    for (int c = 0; c < 3; c++) {
                        assertEquals(ms.get(c), mb.get(c), 1.5, "mean of channel " + c + " at q" + q);
                    }
                }
            }
            // Not asserted (no wall-clock assertions): the time per encode at the default settings, for the docs.
            try (JpegEncoder cv = new JpegEncoder(960, 85); FfmpegJpegEncoder ff = new FfmpegJpegEncoder(960, 85)) {
                for (int round = 0; round < 2; round++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < 20; i++) {
                        cv.encode(cv.scale(src));
                    }
                    long t1 = System.nanoTime();
                    for (int i = 0; i < 20; i++) {
                        ff.encode(src);
                    }
                    long t2 = System.nanoTime();
                    System.out.printf(Locale.ROOT, "to 960 px q85: opencv %.2f ms, ffmpeg %.2f ms per frame%n",
                            (t1 - t0) / 20e6, (t2 - t1) / 20e6);
                }
            }
            g.stop();
        }
    }
}
