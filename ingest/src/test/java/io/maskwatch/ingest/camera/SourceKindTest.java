package io.maskwatch.ingest.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SourceKindTest {
    @Test
    void classifiesUrls() {
        assertEquals(SourceKind.RTSP, SourceKind.of("rtsp://u:p@10.0.0.5/stream1"));
        assertEquals(SourceKind.RTSP, SourceKind.of("RTSPS://cam/live"));
        assertEquals(SourceKind.HTTP, SourceKind.of("http://10.0.0.6/mjpg/video.mjpg"));
        assertEquals(SourceKind.HTTP, SourceKind.of("https://cam/video.cgi"));
        assertEquals(SourceKind.WEBCAM, SourceKind.of("/dev/video0"));
        assertEquals(SourceKind.FILE, SourceKind.of("/videos/lobby.mp4"));
        assertEquals(SourceKind.FILE, SourceKind.of("videos/lobby.mp4"));
        assertEquals(SourceKind.FILE, SourceKind.of("file:///videos/lobby.mp4"));
        assertEquals(SourceKind.STREAM, SourceKind.of("srt://10.0.0.9:9000"));
        assertTrue(SourceKind.RTSP.live());
        assertFalse(SourceKind.FILE.live());
    }
}
