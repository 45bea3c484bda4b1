package io.maskwatch.ingest.camera.ffmpeg;

import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.ingest.camera.FrameSource;
import io.maskwatch.ingest.camera.SecretScrubber;
import io.maskwatch.ingest.camera.SourceException;
import io.maskwatch.ingest.camera.SourceKind;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A camera read through JavaCV's {@link FFmpegFrameGrabber}: RTSP (TCP or UDP), HTTP (MJPEG and other
 * streams), local files and V4L2 webcams. Every network read is bounded by FFmpeg's I/O timeouts
 * ({@code timeout} for RTSP and HTTP, {@code rw_timeout} for the rest), so a silent camera makes
 * {@link #grab()} return null instead of blocking forever.
 */
public final class FfmpegFrameSource implements FrameSource {
    private static final Logger log = LoggerFactory.getLogger(FfmpegFrameSource.class);

    private final CameraConfig camera;
    private final SecretScrubber scrubber;
    private final SourceKind kind;
    private final long stallTimeoutMs;
    private final int decoderThreads;
    private final boolean skipNonref;
    private FFmpegFrameGrabber grabber;

    public FfmpegFrameSource(CameraConfig camera, SecretScrubber scrubber, long stallTimeoutMs, int decoderThreads) {
        this(camera, scrubber, stallTimeoutMs, decoderThreads, false);
    }

    /** @param skipNonref do not decode frames no other frame refers to (FFmpeg {@code skip_frame=noref}) */
    public FfmpegFrameSource(CameraConfig camera, SecretScrubber scrubber, long stallTimeoutMs, int decoderThreads,
                             boolean skipNonref) {
        this.camera = camera;
        this.scrubber = scrubber;
        this.kind = SourceKind.of(camera.url());
        this.stallTimeoutMs = stallTimeoutMs;
        this.decoderThreads = decoderThreads;
        this.skipNonref = skipNonref;
    }

    /** A factory with the service's timeouts. */
    public static FrameSource.Factory factory(long stallTimeoutMs, int decoderThreads) {
        return factory(stallTimeoutMs, decoderThreads, false);
    }

    /**
     * @param skipNonref skip non-reference frames of cameras sampled at most
     *                   {@link io.maskwatch.ingest.IngestSettings#SKIP_NONREF_MAX_FPS} fps
     */
    public static FrameSource.Factory factory(long stallTimeoutMs, int decoderThreads, boolean skipNonref) {
        return (camera, scrubber) -> new FfmpegFrameSource(camera, scrubber, stallTimeoutMs, decoderThreads,
                skipNonref && camera.fps() <= io.maskwatch.ingest.IngestSettings.SKIP_NONREF_MAX_FPS);
    }

    @Override
    public void open() throws SourceException {
        String target = camera.url();
        if (kind == SourceKind.FILE) {
            Path file = filePath(target);
            if (!Files.isRegularFile(file)) {
                throw new SourceException("video file " + file.toAbsolutePath() + " does not exist or is not a file");
            }
            if (!Files.isReadable(file)) {
                throw new SourceException("video file " + file.toAbsolutePath() + " is not readable by this process");
            }
            target = file.toString();
        } else if (kind == SourceKind.WEBCAM && !Files.exists(Path.of(target))) {
            throw new SourceException("webcam " + target + " does not exist; is the camera plugged in (and the "
                    + "device passed into the container)?");
        }
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(target);
        String micros = String.valueOf(stallTimeoutMs * 1000);
        switch (kind) {
            case RTSP -> {
                g.setOption("rtsp_transport", camera.transport() == null ? "tcp"
                        : camera.transport().toLowerCase(Locale.ROOT));
                g.setOption("timeout", micros); // socket I/O timeout (FFmpeg >= 5; "stimeout" before)
                g.setOption("allowed_media_types", "video");
                if ("udp".equalsIgnoreCase(camera.transport())) {
                    g.setOption("buffer_size", String.valueOf(4 * 1024 * 1024)); // HD frames burst many packets
                }
            }
            case HTTP -> {
                g.setOption("timeout", micros);
                g.setOption("rw_timeout", micros);
            }
            case WEBCAM -> g.setFormat("video4linux2");
            case STREAM -> g.setOption("rw_timeout", micros);
            case FILE -> {
                // local reads do not stall
            }
        }
        if (decoderThreads > 0) {
            g.setVideoOption("threads", String.valueOf(decoderThreads));
        }
        if (skipNonref) {
            // Frames no other frame refers to (B-frames of most encoders) need not be decoded when only a few
            // per second are sampled; streams without them (typical IP cameras: I and P only) lose nothing.
            g.setVideoOption("skip_frame", "noref");
        }
        try {
            // JavaCV's start()/release() serialise on one global lock; with many cameras, one camera slow to
            // answer would hold up every other camera's (re)connect. FFmpeg's open/close are thread-safe.
            g.startUnsafe();
        } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
            closeQuietly(g);
            throw new SourceException(FfmpegErrors.explain("cannot open", e.getMessage(), scrubber, kind));
        }
        if (!g.hasVideo()) {
            closeQuietly(g);
            throw new SourceException(scrubber.redactedUrl() + " has no video stream (audio only?)");
        }
        grabber = g;
    }

    static Path filePath(String url) {
        if (url.regionMatches(true, 0, "file:", 0, 5)) {
            return Path.of(URI.create(url));
        }
        return Path.of(url);
    }

    @Override
    public Frame grab() throws SourceException {
        return grab(true);
    }

    @Override
    public Frame grab(boolean image) throws SourceException {
        if (grabber == null) {
            throw new IllegalStateException("not open");
        }
        try {
            // Without image, the decoded picture is not converted to BGR (swscale, ~20% of a 720p frame's decode).
            return grabber.grabFrame(false, true, image, false);
        } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
            throw new SourceException(FfmpegErrors.explain("cannot read", e.getMessage(), scrubber, kind));
        }
    }

    @Override
    public boolean live() {
        return kind.live();
    }

    @Override
    public String describe() {
        if (grabber == null) {
            return "not open";
        }
        return String.format(Locale.ROOT, "%dx%d %s %.1f fps via %s", grabber.getImageWidth(),
                grabber.getImageHeight(), grabber.getVideoCodecName(), grabber.getFrameRate(), grabber.getFormat());
    }

    @Override
    public void close() {
        if (grabber != null) {
            closeQuietly(grabber);
            grabber = null;
        }
    }

    private void closeQuietly(FFmpegFrameGrabber g) {
        try {
            g.releaseUnsafe();
        } catch (Exception | Error e) {
            log.debug("camera {}: closing the grabber failed: {}", camera.id(), scrubber.scrub(String.valueOf(e)));
        }
    }
}
