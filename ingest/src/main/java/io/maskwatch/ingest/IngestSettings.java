package io.maskwatch.ingest;

import io.maskwatch.common.config.ConfigSection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code ingest} configuration section (see docs/INGEST.md for every key).
 *
 * @param httpPort                  port of /metrics, /health/*, /cameras (0 = any free port)
 * @param workerIndex               this worker's index in 0..worker-count-1; -1 takes the ordinal at the end of
 *                                  the host name (a Kubernetes StatefulSet pod {@code maskwatch-ingest-2} is 2)
 * @param workerCount               how many ingest workers share the camera list
 * @param queueCapacity             frames per camera waiting for Kafka; when full the oldest is dropped
 * @param reconnectInitialBackoffMs first wait before reopening a failed camera
 * @param reconnectMaxBackoffMs     cap of the doubling wait
 * @param stallTimeoutMs            no data for this long counts as a dead camera (FFmpeg I/O timeout)
 * @param fileRealtime              local files play at their native frame rate (false: as fast as decoding allows)
 * @param decoderThreads            FFmpeg decoder threads per camera (1 scales best with many cameras)
 * @param ffmpegLogLevel            quiet, fatal, error, warning, info, verbose or debug; always scrubbed of URLs
 * @param motion                    optional motion gating
 * @param producer                  Kafka producer bounds
 * @param apiToken                  required by {@code ingest}: Bearer token of /metrics and /cameras (>= 16 characters;
 *                                  /health/* stays open); never printed
 * @param skipNonrefFrames          cameras sampled at <= {@value #SKIP_NONREF_MAX_FPS} fps do not decode frames that no
 *                                  other frame refers to (FFmpeg skip_frame=noref: B-frames of most encoders; camera
 *                                  streams without them are unaffected)
 * @param jpegEncoder               {@code ffmpeg} (FFmpeg's MJPEG encoder, faster) or {@code opencv} (OpenCV's
 *                                  imencode); both take {@code jpeg-quality} as libjpeg does; ffmpeg falls back to
 *                                  opencv on an error
 */
public record IngestSettings(
        int httpPort,
        int workerIndex,
        int workerCount,
        int queueCapacity,
        long reconnectInitialBackoffMs,
        long reconnectMaxBackoffMs,
        long stallTimeoutMs,
        boolean fileRealtime,
        int decoderThreads,
        String ffmpegLogLevel,
        Motion motion,
        Producer producer,
        String apiToken,
        boolean skipNonrefFrames,
        String jpegEncoder) implements ConfigSection {

    /**
     * Sampling rates up to which non-reference frames are skipped: a 15 fps stream of I/B/B/P frames keeps
     * 5 fps after skipping, still enough to sample from.
     */
    public static final double SKIP_NONREF_MAX_FPS = 5.0;

    public static final Set<String> JPEG_ENCODERS = Set.of("ffmpeg", "opencv");

    public static final Set<String> FFMPEG_LOG_LEVELS =
            Set.of("quiet", "panic", "fatal", "error", "warning", "info", "verbose", "debug");

    /**
     * Motion gating (as in Frigate): frames without motion against the last sent frame are skipped,
     * but one frame is sent at least every {@code heartbeatSeconds}.
     *
     * @param enabled          off by default
     * @param pixelThreshold   a pixel "moved" when its grey level changed by more than this (0..255)
     * @param minChangedRatio  motion when at least this fraction of the (downscaled) pixels moved
     * @param heartbeatSeconds send a frame at least this often even without motion
     * @param analysisWidth    width of the grey thumbnail compared (smaller is cheaper and less noisy)
     */
    public record Motion(boolean enabled, int pixelThreshold, double minChangedRatio, double heartbeatSeconds,
                         int analysisWidth) {
        public static Motion defaults() {
            return new Motion(false, 25, 0.003, 10.0, 160);
        }
    }

    /**
     * Bounds on what the Kafka producer may hold, so a slow or absent broker costs dropped frames, not memory.
     *
     * @param maxInFlightFrames  frames handed to the producer and not yet acknowledged, for all cameras together
     * @param bufferMemoryBytes  producer {@code buffer.memory}
     * @param maxBlockMs         producer {@code max.block.ms}: the longest a send may wait for metadata or buffer
     * @param deliveryTimeoutMs  producer {@code delivery.timeout.ms}: a frame older than this is dropped
     * @param requestTimeoutMs   producer {@code request.timeout.ms}
     * @param lingerMs           producer {@code linger.ms}
     */
    public record Producer(int maxInFlightFrames, long bufferMemoryBytes, long maxBlockMs, long deliveryTimeoutMs,
                           long requestTimeoutMs, long lingerMs) {
        public static Producer defaults() {
            return new Producer(64, 32L * 1024 * 1024, 1000, 30_000, 10_000, 5);
        }
    }

    public static IngestSettings defaults() {
        return new IngestSettings(8081, 0, 1, 4, 500, 30_000, 10_000, true, 1, "error",
                Motion.defaults(), Producer.defaults(), null, true, "ffmpeg");
    }

    public IngestSettings {
        motion = motion == null ? Motion.defaults() : motion;
        producer = producer == null ? Producer.defaults() : producer;
        apiToken = apiToken == null || apiToken.isBlank() ? null : apiToken;
        jpegEncoder = jpegEncoder == null || jpegEncoder.isBlank() ? "ffmpeg" : jpegEncoder.trim().toLowerCase(Locale.ROOT);
    }

    /** True when sent frames are encoded with FFmpeg's MJPEG encoder. */
    public boolean ffmpegJpeg() {
        return "ffmpeg".equals(jpegEncoder);
    }

    /** As the record's, with the token redacted (settings may end up in a log line or an error). */
    @Override
    public String toString() {
        return io.maskwatch.common.config.Redacted.toString(this, "apiToken");
    }

    public IngestSettings withApiToken(String token) {
        return toBuilder().apiToken(token).build();
    }

    /** A builder starting from these settings: {@code settings.toBuilder().queueCapacity(8).build()}. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public IngestSettings withWorker(int index, int count) {
        return toBuilder().workerIndex(index).workerCount(count).build();
    }

    public IngestSettings withHttpPort(int port) {
        return toBuilder().httpPort(port).build();
    }

    public IngestSettings withFileRealtime(boolean realtime) {
        return toBuilder().fileRealtime(realtime).build();
    }

    public IngestSettings withMotion(Motion m) {
        return toBuilder().motion(m).build();
    }

    public IngestSettings withProducer(Producer p) {
        return toBuilder().producer(p).build();
    }

    public IngestSettings withReconnect(long initialMs, long maxMs, long stallMs) {
        return toBuilder().reconnectInitialBackoffMs(initialMs).reconnectMaxBackoffMs(maxMs).stallTimeoutMs(stallMs)
                .build();
    }

    public IngestSettings withQueueCapacity(int capacity) {
        return toBuilder().queueCapacity(capacity).build();
    }

    public IngestSettings withFfmpegLogLevel(String level) {
        return toBuilder().ffmpegLogLevel(level).build();
    }

    /** Mutable only while building; {@link #build()} gives an immutable {@link IngestSettings}. */
    public static final class Builder {
        private int httpPort;
        private int workerIndex;
        private int workerCount;
        private int queueCapacity;
        private long reconnectInitialBackoffMs;
        private long reconnectMaxBackoffMs;
        private long stallTimeoutMs;
        private boolean fileRealtime;
        private int decoderThreads;
        private String ffmpegLogLevel;
        private Motion motion;
        private Producer producer;
        private String apiToken;
        private boolean skipNonrefFrames;
        private String jpegEncoder;

        private Builder(IngestSettings s) {
            apiToken = s.apiToken;
            httpPort = s.httpPort;
            workerIndex = s.workerIndex;
            workerCount = s.workerCount;
            queueCapacity = s.queueCapacity;
            reconnectInitialBackoffMs = s.reconnectInitialBackoffMs;
            reconnectMaxBackoffMs = s.reconnectMaxBackoffMs;
            stallTimeoutMs = s.stallTimeoutMs;
            fileRealtime = s.fileRealtime;
            decoderThreads = s.decoderThreads;
            ffmpegLogLevel = s.ffmpegLogLevel;
            motion = s.motion;
            producer = s.producer;
            skipNonrefFrames = s.skipNonrefFrames;
            jpegEncoder = s.jpegEncoder;
        }

        public Builder httpPort(int v) {
            httpPort = v;
            return this;
        }

        public Builder workerIndex(int v) {
            workerIndex = v;
            return this;
        }

        public Builder workerCount(int v) {
            workerCount = v;
            return this;
        }

        public Builder queueCapacity(int v) {
            queueCapacity = v;
            return this;
        }

        public Builder reconnectInitialBackoffMs(long v) {
            reconnectInitialBackoffMs = v;
            return this;
        }

        public Builder reconnectMaxBackoffMs(long v) {
            reconnectMaxBackoffMs = v;
            return this;
        }

        public Builder stallTimeoutMs(long v) {
            stallTimeoutMs = v;
            return this;
        }

        public Builder fileRealtime(boolean v) {
            fileRealtime = v;
            return this;
        }

        public Builder decoderThreads(int v) {
            decoderThreads = v;
            return this;
        }

        public Builder ffmpegLogLevel(String v) {
            ffmpegLogLevel = v;
            return this;
        }

        public Builder motion(Motion v) {
            motion = v;
            return this;
        }

        public Builder producer(Producer v) {
            producer = v;
            return this;
        }

        public Builder apiToken(String v) {
            apiToken = v;
            return this;
        }

        public Builder skipNonrefFrames(boolean v) {
            skipNonrefFrames = v;
            return this;
        }

        public Builder jpegEncoder(String v) {
            jpegEncoder = v;
            return this;
        }

        public IngestSettings build() {
            return new IngestSettings(httpPort, workerIndex, workerCount, queueCapacity, reconnectInitialBackoffMs,
                    reconnectMaxBackoffMs, stallTimeoutMs, fileRealtime, decoderThreads, ffmpegLogLevel, motion,
                    producer, apiToken, skipNonrefFrames, jpegEncoder);
        }
    }

    /**
     * The worker index to use: {@code worker-index}, or with -1 the ordinal at the end of {@code hostname}
     * (StatefulSet pods are named {@code <name>-<ordinal>}).
     *
     * @throws IllegalStateException when -1 is configured and the host name has no ordinal
     */
    public int resolveWorkerIndex(String hostname) {
        if (workerIndex >= 0) {
            return workerIndex;
        }
        if (hostname != null) {
            var m = java.util.regex.Pattern.compile("-(\\d+)$").matcher(hostname.trim());
            if (m.find()) {
                int ordinal = Integer.parseInt(m.group(1));
                if (ordinal < workerCount) {
                    return ordinal;
                }
                throw new IllegalStateException("ingest.worker-index is -1 (from the host name) and host name '"
                        + hostname + "' gives ordinal " + ordinal + ", but ingest.worker-count is " + workerCount
                        + "; raise worker-count to the number of replicas");
            }
        }
        throw new IllegalStateException("ingest.worker-index is -1 (take it from the host name), but host name '"
                + hostname + "' does not end in -<number>; set ingest.worker-index explicitly "
                + "(MASKWATCH_INGEST_WORKER_INDEX) or run as a StatefulSet");
    }

    @Override
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        String tokenProblem = io.maskwatch.common.observability.BearerToken.problem("api-token", apiToken);
        if (tokenProblem != null) {
            out.add(tokenProblem);
        }
        if (httpPort < 0 || httpPort > 65535) {
            out.add("http-port must be 0..65535, got " + httpPort);
        }
        if (workerCount < 1) {
            out.add("worker-count must be >= 1, got " + workerCount);
        }
        if (workerIndex < -1 || workerCount >= 1 && workerIndex >= workerCount) {
            out.add("worker-index must be 0..worker-count-1 (" + (workerCount - 1)
                    + ") or -1 (from the host name's ordinal), got " + workerIndex);
        }
        if (queueCapacity < 1) {
            out.add("queue-capacity must be >= 1 frame per camera, got " + queueCapacity);
        }
        if (reconnectInitialBackoffMs < 1) {
            out.add("reconnect-initial-backoff-ms must be >= 1, got " + reconnectInitialBackoffMs);
        }
        if (reconnectMaxBackoffMs < reconnectInitialBackoffMs) {
            out.add("reconnect-max-backoff-ms (" + reconnectMaxBackoffMs
                    + ") must be >= reconnect-initial-backoff-ms (" + reconnectInitialBackoffMs + ")");
        }
        if (stallTimeoutMs < 100) {
            out.add("stall-timeout-ms must be >= 100, got " + stallTimeoutMs);
        }
        if (decoderThreads < 0 || decoderThreads > 64) {
            out.add("decoder-threads must be 0 (FFmpeg decides) .. 64, got " + decoderThreads);
        }
        if (ffmpegLogLevel == null || !FFMPEG_LOG_LEVELS.contains(ffmpegLogLevel.toLowerCase(Locale.ROOT))) {
            out.add("ffmpeg-log-level must be one of " + new java.util.TreeSet<>(FFMPEG_LOG_LEVELS) + ", got '"
                    + ffmpegLogLevel + "'");
        }
        if (!JPEG_ENCODERS.contains(jpegEncoder)) {
            out.add("jpeg-encoder must be ffmpeg (FFmpeg's MJPEG encoder, the default) or opencv, got '"
                    + jpegEncoder + "'");
        }
        if (motion.pixelThreshold() < 1 || motion.pixelThreshold() > 254) {
            out.add("motion.pixel-threshold must be 1..254, got " + motion.pixelThreshold());
        }
        if (!(motion.minChangedRatio() > 0 && motion.minChangedRatio() < 1)) {
            out.add("motion.min-changed-ratio must be between 0 and 1 (e.g. 0.003), got " + motion.minChangedRatio());
        }
        if (!(motion.heartbeatSeconds() > 0)) {
            out.add("motion.heartbeat-seconds must be > 0, got " + motion.heartbeatSeconds());
        }
        if (motion.analysisWidth() < 16 || motion.analysisWidth() > 1920) {
            out.add("motion.analysis-width must be 16..1920, got " + motion.analysisWidth());
        }
        if (producer.maxInFlightFrames() < 1) {
            out.add("producer.max-in-flight-frames must be >= 1, got " + producer.maxInFlightFrames());
        }
        if (producer.bufferMemoryBytes() < 1024 * 1024) {
            out.add("producer.buffer-memory-bytes must be >= 1048576 (1 MiB), got " + producer.bufferMemoryBytes());
        }
        if (producer.maxBlockMs() < 0) {
            out.add("producer.max-block-ms must be >= 0, got " + producer.maxBlockMs());
        }
        if (producer.lingerMs() < 0) {
            out.add("producer.linger-ms must be >= 0, got " + producer.lingerMs());
        }
        if (producer.requestTimeoutMs() < 100) {
            out.add("producer.request-timeout-ms must be >= 100, got " + producer.requestTimeoutMs());
        }
        if (producer.deliveryTimeoutMs() < producer.requestTimeoutMs() + producer.lingerMs()) {
            out.add("producer.delivery-timeout-ms (" + producer.deliveryTimeoutMs()
                    + ") must be >= request-timeout-ms + linger-ms (" + (producer.requestTimeoutMs()
                    + producer.lingerMs()) + ")");
        }
        return out;
    }
}
