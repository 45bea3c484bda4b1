package io.maskwatch.ingest.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.ingest.IngestSettings;
import io.maskwatch.ingest.camera.ffmpeg.FfmpegFrameSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameSourcesTest {
    private static CameraConfig camera(String url) {
        return new CameraConfig("cam", null, url, 2, 640, 85, true, "tcp", false);
    }

    @Test
    void picksTheAdapterByWhatTheUrlPointsAt() {
        List<String> opened = new ArrayList<>();
        Map<SourceKind, FrameSource.Factory> map = new EnumMap<>(SourceKind.class);
        for (SourceKind kind : SourceKind.values()) {
            map.put(kind, (c, s) -> {
                opened.add(kind + " " + s.redactedUrl());
                return null;
            });
        }
        FrameSources sources = new FrameSources(map);
        for (String url : List.of("rtsp://u:pw@10.0.0.9/live", "http://cam/mjpg", "/dev/video0", "srt://x:9000",
                "clip.mp4")) {
            CameraConfig c = camera(url);
            sources.create(c, new SecretScrubber(c.url()));
        }
        assertEquals(List.of("RTSP", "HTTP", "WEBCAM", "STREAM", "FILE"),
                opened.stream().map(o -> o.split(" ")[0]).toList());
        assertTrue(opened.stream().noneMatch(o -> o.contains("pw")), opened.toString());
    }

    @Test
    void everyKindNeedsAnAdapter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FrameSources(Map.of(SourceKind.RTSP, (c, s) -> null)));
        assertTrue(e.getMessage().contains("no frame source for HTTP cameras"), e.getMessage());
    }

    @Test
    void productionReadsEveryKindWithFfmpeg() {
        FrameSources sources = FrameSources.standard(IngestSettings.defaults());
        for (String url : List.of("rtsp://10.0.0.9/live", "/dev/video0", "clip.mp4")) {
            CameraConfig c = camera(url);
            try (FrameSource s = sources.create(c, new SecretScrubber(c.url()))) {
                assertInstanceOf(FfmpegFrameSource.class, s);
            }
        }
    }
}
