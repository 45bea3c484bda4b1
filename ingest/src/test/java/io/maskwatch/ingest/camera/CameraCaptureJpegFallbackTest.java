package io.maskwatch.ingest.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.ingest.IngestSettings;
import io.maskwatch.ingest.frame.EncodedFrame;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/** A frame FFmpeg's JPEG path refuses is still sent: the camera switches to OpenCV's encoder. */
class CameraCaptureJpegFallbackTest {
    @Test
    void anFfmpegEncoderErrorFallsBackToOpenCv() throws Exception {
        CameraConfig camera = new CameraConfig("door", "Door", "/videos/door.mp4", 2, 320, 80, true, "tcp", false);
        IngestSettings settings = IngestSettings.defaults().toBuilder().fileRealtime(false).jpegEncoder("ffmpeg")
                .build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<EncodedFrame> sent = new ArrayList<>();
        CameraCapture.Events events = CameraCapture.Events.NONE;
        // 4 channels: FfmpegJpegEncoder accepts BGR only (IllegalArgumentException); OpenCV encodes BGRA.
        try (Mat m = new Mat(90, 160, org.bytedeco.opencv.global.opencv_core.CV_8UC4, new Scalar(40, 90, 200, 255));
             OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat();
             CameraCapture c = new CameraCapture(camera, settings, sent::add, new CameraMetrics(registry, "door"),
                     new SecretScrubber(camera.url()), new AtomicLong(), events)) {
            c.stream(new CameraCaptureSamplingTest.FileSource(conv.convert(m), 50, false), () -> true);
        }
        assertEquals(4, sent.size(), "2 fps over 2 s, all encoded");
        assertEquals((byte) 0xD8, sent.get(0).jpeg()[1]);
        assertEquals(0.0, registry.find("maskwatch.ingest.decode.errors").counter().count());
    }
}
