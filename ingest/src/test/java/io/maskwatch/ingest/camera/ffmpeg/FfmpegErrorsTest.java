package io.maskwatch.ingest.camera.ffmpeg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.ingest.camera.SecretScrubber;
import io.maskwatch.ingest.camera.SourceKind;
import org.junit.jupiter.api.Test;

class FfmpegErrorsTest {
    private static final String URL = "rtsp://admin:hunter22@10.0.0.5:554/live";
    private final SecretScrubber scrubber = new SecretScrubber(URL);

    @Test
    void connectionRefusedIsExplainedWithoutTheUrlsPassword() {
        String raw = "avformat_open_input() error -111: Could not open input \"" + URL
                + "\". (Has setFormat() been called?) (For more details, make sure FFmpegLogCallback.set() has been called.)";
        String msg = FfmpegErrors.explain("cannot open", raw, scrubber, SourceKind.RTSP);
        assertFalse(msg.contains("hunter22"), msg);
        assertFalse(msg.contains("setFormat"), msg);
        assertEquals("cannot open rtsp://***@10.0.0.5:554/live: Connection refused (avformat_open_input() error -111); "
                + "nothing accepts connections at that host and port; check the address and that the camera is on", msg);
    }

    @Test
    void unauthorizedPointsAtTheCredentials() {
        // FFmpeg's HTTP/RTSP 401 code, FFERRTAG(0xF8,'4','0','1')
        int code = -(0xF8 | '4' << 8 | '0' << 16 | '1' << 24);
        String msg = FfmpegErrors.explain("cannot open", "avformat_open_input() error " + code + ": Could not open input",
                scrubber, SourceKind.RTSP);
        assertTrue(msg.contains("401 Unauthorized"), msg);
        assertTrue(msg.contains("user name or password"), msg);
    }

    @Test
    void invalidDataHintDependsOnTheSource() {
        String raw = "avformat_open_input() error -1094995529: Could not open input \"/data/notes.mp4\".";
        String file = FfmpegErrors.explain("cannot open", raw, new SecretScrubber("/data/notes.mp4"), SourceKind.FILE);
        assertTrue(file.contains("Invalid data found when processing input"), file);
        assertTrue(file.contains("not a video file"), file);
        String live = FfmpegErrors.explain("cannot open", raw, scrubber, SourceKind.HTTP);
        assertTrue(live.contains("wrong URL path"), live);
    }

    @Test
    void messagesWithoutACodeAreStillScrubbed() {
        String msg = FfmpegErrors.explain("cannot read", "something odd at " + URL, scrubber, SourceKind.RTSP);
        assertFalse(msg.contains("hunter22"), msg);
        assertTrue(msg.startsWith("cannot read rtsp://***@10.0.0.5:554/live: something odd"), msg);
    }
}
