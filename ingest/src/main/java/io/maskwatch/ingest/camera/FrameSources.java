package io.maskwatch.ingest.camera;

import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.ingest.IngestSettings;
import io.maskwatch.ingest.camera.ffmpeg.FfmpegFrameSource;
import java.util.EnumMap;
import java.util.Map;

/**
 * Picks the {@link FrameSource} for each camera by what its URL points at ({@link SourceKind}).
 * FFmpeg reads every kind today; another adapter (say, a V4L2 or GStreamer one) is one more entry.
 */
public final class FrameSources implements FrameSource.Factory {
    private final Map<SourceKind, FrameSource.Factory> byKind;

    /** @param byKind the adapter for each kind; every kind must have one */
    public FrameSources(Map<SourceKind, FrameSource.Factory> byKind) {
        EnumMap<SourceKind, FrameSource.Factory> copy = new EnumMap<>(SourceKind.class);
        copy.putAll(byKind);
        for (SourceKind kind : SourceKind.values()) {
            if (copy.get(kind) == null) {
                throw new IllegalArgumentException("no frame source for " + kind + " cameras");
            }
        }
        this.byKind = copy;
    }

    /** The production choice: FFmpeg for every kind, with the service's timeouts. */
    public static FrameSources standard(IngestSettings settings) {
        FrameSource.Factory ffmpeg = FfmpegFrameSource.factory(settings.stallTimeoutMs(), settings.decoderThreads(),
                settings.skipNonrefFrames());
        Map<SourceKind, FrameSource.Factory> map = new EnumMap<>(SourceKind.class);
        for (SourceKind kind : SourceKind.values()) {
            map.put(kind, ffmpeg);
        }
        return new FrameSources(map);
    }

    /** The adapter that reads cameras of this kind. */
    public FrameSource.Factory forKind(SourceKind kind) {
        return byKind.get(kind);
    }

    @Override
    public FrameSource create(CameraConfig camera, SecretScrubber scrubber) {
        return byKind.get(SourceKind.of(camera.url())).create(camera, scrubber);
    }
}
