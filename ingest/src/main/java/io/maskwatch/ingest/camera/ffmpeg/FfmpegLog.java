package io.maskwatch.ingest.camera.ffmpeg;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_DEBUG;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_FATAL;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_INFO;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_PANIC;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_VERBOSE;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;

import io.maskwatch.ingest.camera.SecretScrubber;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes FFmpeg's native log output through SLF4J with camera secrets removed.
 *
 * <p>Left alone, FFmpeg writes straight to the process's stderr, and at its default level JavaCV
 * dumps each opened input as {@code Input #0, rtsp, from 'rtsp://user:password@...'}. This class
 * replaces FFmpeg's log callback: every line is scrubbed with the secrets of the camera whose thread
 * logs it (and, for FFmpeg's own threads, of every registered camera), rate-limited per camera, and
 * logged under {@code io.maskwatch.ingest.ffmpeg}. Error lines of a camera's video decoder also
 * count as that camera's decode errors.
 *
 * <p>FFmpeg has exactly one log callback per process, so this is a process-wide instance.
 */
public final class FfmpegLog {
    private static final Logger log = LoggerFactory.getLogger("io.maskwatch.ingest.ffmpeg");
    private static final FfmpegLog INSTANCE = new FfmpegLog();
    private static final int MAX_LINE = 4096;
    private static final long WINDOW_NANOS = 10_000_000_000L;
    private static final int LINES_PER_WINDOW = 10;

    /** What the log callback needs to know about the camera a thread is working for. */
    public interface CameraContext {
        String cameraId();

        SecretScrubber scrubber();

        /** Called for an error line from the camera's video decoder (already scrubbed). */
        void decodeError(String line);
    }

    private final Map<SecretScrubber, Boolean> scrubbers = new ConcurrentHashMap<>();
    private final ThreadLocal<CameraContext> context = new ThreadLocal<>();
    private final ThreadLocal<StringBuilder> partial = ThreadLocal.withInitial(StringBuilder::new);
    private final Map<String, Limiter> limiters = new ConcurrentHashMap<>();
    private final Map<String, Boolean> decoders = new ConcurrentHashMap<>();
    private volatile int level = AV_LOG_ERROR;
    private Callback callback; // strong reference: native code holds only a pointer to it

    private FfmpegLog() {
    }

    public static FfmpegLog get() {
        return INSTANCE;
    }

    /**
     * Installs the callback (once per process) and sets FFmpeg's log level.
     *
     * @param levelName quiet, panic, fatal, error, warning, info, verbose or debug
     */
    public synchronized void install(String levelName) {
        int lvl = parseLevel(levelName);
        if (callback == null) {
            // JavaCV's own Java-side messages go to SLF4J too, not to System.err
            if (System.getProperty("org.bytedeco.javacpp.logger") == null) {
                System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
            }
            callback = new Callback();
            avutil.setLogCallback(callback);
        }
        level = lvl;
        avutil.av_log_set_level(lvl);
    }

    public static int parseLevel(String name) {
        return switch (name == null ? "error" : name.toLowerCase(Locale.ROOT)) {
            case "quiet" -> AV_LOG_QUIET;
            case "panic" -> AV_LOG_PANIC;
            case "fatal" -> AV_LOG_FATAL;
            case "error" -> AV_LOG_ERROR;
            case "warning" -> AV_LOG_WARNING;
            case "info" -> AV_LOG_INFO;
            case "verbose" -> AV_LOG_VERBOSE;
            case "debug" -> AV_LOG_DEBUG;
            default -> throw new IllegalArgumentException("unknown FFmpeg log level '" + name + "'");
        };
    }

    /** Secrets of a camera, also applied to lines logged by threads that belong to no camera. */
    public void register(SecretScrubber scrubber) {
        scrubbers.put(scrubber, Boolean.TRUE);
    }

    public void unregister(SecretScrubber scrubber) {
        scrubbers.remove(scrubber);
    }

    /** Lines logged by the calling thread belong to this camera until {@link #unbind()}. */
    public void bind(CameraContext camera) {
        context.set(camera);
    }

    public void unbind() {
        context.remove();
        partial.remove();
    }

    /** Handles one piece of FFmpeg output (public for tests; FFmpeg calls it through the callback). */
    public void onMessage(int msgLevel, String text) {
        if (text == null || msgLevel > level) {
            return;
        }
        // FFmpeg may log one line in several calls: assemble it before scrubbing so no URL is split
        StringBuilder sb = partial.get();
        sb.append(text);
        int nl;
        while ((nl = sb.indexOf("\n")) >= 0) {
            String line = sb.substring(0, nl);
            sb.delete(0, nl + 1);
            emit(msgLevel, line);
        }
        if (sb.length() > MAX_LINE) {
            String line = sb.toString();
            sb.setLength(0);
            emit(msgLevel, line);
        }
    }

    private void emit(int msgLevel, String raw) {
        if (raw.isBlank()) {
            return;
        }
        CameraContext camera = context.get();
        String line = raw;
        if (camera != null) {
            line = camera.scrubber().scrub(line);
        }
        for (SecretScrubber s : scrubbers.keySet()) {
            line = s.scrub(line);
        }
        String cameraId = camera == null ? "-" : camera.cameraId();
        if (camera != null && msgLevel <= AV_LOG_ERROR && fromDecoder(line)) {
            camera.decodeError(line);
        }
        Limiter limiter = limiters.computeIfAbsent(cameraId, k -> new Limiter());
        long suppressed = limiter.admit(System.nanoTime());
        if (suppressed < 0) {
            return;
        }
        if (suppressed > 0) {
            log.warn("camera {}: {} more FFmpeg messages suppressed", cameraId, suppressed);
        }
        if (msgLevel <= AV_LOG_ERROR) {
            log.warn("camera {}: ffmpeg: {}", cameraId, line);
        } else if (msgLevel <= AV_LOG_INFO) {
            log.info("camera {}: ffmpeg: {}", cameraId, line);
        } else {
            log.debug("camera {}: ffmpeg: {}", cameraId, line);
        }
    }

    /**
     * Whether a line was logged by a video decoder: FFmpeg prefixes lines with {@code [<context> @ 0x...]},
     * and a codec context is named after its codec ("h264", "mjpeg"). Also true while a stream is being
     * probed, before the camera knows its decoder.
     */
    private boolean fromDecoder(String line) {
        int at = line.indexOf(" @ ");
        if (!line.startsWith("[") || at < 2) {
            return false;
        }
        String name = line.substring(1, at);
        return decoders.computeIfAbsent(name, n -> {
            var codec = avcodec.avcodec_find_decoder_by_name(n);
            return codec != null && !codec.isNull() && codec.type() == avutil.AVMEDIA_TYPE_VIDEO;
        });
    }

    /** At most {@link #LINES_PER_WINDOW} lines per camera per 10 s; a corrupt stream can log hundreds. */
    private static final class Limiter {
        private long windowStart = Long.MIN_VALUE;
        private int count;
        private final AtomicLong suppressed = new AtomicLong();

        /** @return -1 to drop the line, otherwise how many lines were dropped since the last one admitted */
        synchronized long admit(long now) {
            if (windowStart == Long.MIN_VALUE || now - windowStart > WINDOW_NANOS) {
                windowStart = now;
                count = 0;
            }
            if (++count > LINES_PER_WINDOW) {
                suppressed.incrementAndGet();
                return -1;
            }
            return suppressed.getAndSet(0);
        }
    }

    private final class Callback extends LogCallback {
        @Override
        public void call(int msgLevel, BytePointer msg) {
            try {
                onMessage(msgLevel, msg == null ? null : msg.getString());
            } catch (Throwable t) {
                // never let an exception unwind into native code
            }
        }
    }
}
