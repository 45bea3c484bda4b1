package io.maskwatch.ingest.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretScrubberTest {
    @Test
    void removesTheUrlUserInfoPasswordAndBasicAuthForms() {
        String url = "rtsp://admin:p%40ss-W0rd@10.0.0.5:554/Streaming/Channels/101";
        SecretScrubber s = new SecretScrubber(url);
        String b64 = Base64.getEncoder().encodeToString("admin:p@ss-W0rd".getBytes(StandardCharsets.UTF_8));
        String text = "Input #0, rtsp, from '" + url + "': password p%40ss-W0rd decoded p@ss-W0rd\n"
                + "Authorization: Basic " + b64 + "\nalso bare " + b64;
        String out = s.scrub(text);
        assertFalse(out.contains("p%40ss-W0rd"), out);
        assertFalse(out.contains("p@ss-W0rd"), out);
        assertFalse(out.contains(b64), out);
        assertTrue(out.contains("rtsp://***@10.0.0.5:554/Streaming/Channels/101"), out);
        assertEquals("rtsp://***@10.0.0.5:554/Streaming/Channels/101", s.redactedUrl());
    }

    @Test
    void removesSecretQueryParametersEvenWithoutTheUrl() {
        SecretScrubber s = new SecretScrubber("http://cam.local/mjpg/video.mjpg?resolution=640x480&token=abc123xyz");
        String out = s.scrub("GET /mjpg/video.mjpg?resolution=640x480&token=abc123xyz HTTP/1.1");
        assertFalse(out.contains("abc123xyz"), out);
        assertTrue(out.contains("resolution=640x480"), out);
    }

    @Test
    void digestAndOtherAuthorizationHeadersAreMasked() {
        SecretScrubber s = new SecretScrubber("http://cam/x");
        assertEquals("Authorization: Digest ***", s.scrub("Authorization: Digest username=\"a\""));
    }

    @Test
    void urlsWithoutSecretsAreLeftReadable() {
        SecretScrubber s = new SecretScrubber("/videos/lobby.mp4");
        assertEquals("cannot open /videos/lobby.mp4", s.scrub("cannot open /videos/lobby.mp4"));
    }
}
