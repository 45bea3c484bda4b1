package io.maskwatch.common.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class CameraUrlsTest {
    @Test
    void removesUserInfoAndSecretParameters() {
        assertEquals("rtsp://***@10.0.0.5:554/live?channel=1&token=***",
                CameraUrls.redact("rtsp://admin:s3cr3t@10.0.0.5:554/live?channel=1&token=abc"));
        assertEquals("/videos/a.mp4", CameraUrls.redact("/videos/a.mp4"));
        assertEquals("http://cam/mjpg?user=***&pwd=***", CameraUrls.redact("http://cam/mjpg?user=bob&pwd=pw"));
    }

    @Test
    void scrubsFfmpegStyleMessages() {
        String url = "rtsp://admin:s3cr3t@10.0.0.5/live";
        String msg = CameraUrls.scrub("avformat_open_input() error -111: Could not open input \"" + url
                + "\". (s3cr3t)", url);
        assertFalse(msg.contains("s3cr3t"), msg);
        assertFalse(msg.contains("admin"), msg);
    }
}
