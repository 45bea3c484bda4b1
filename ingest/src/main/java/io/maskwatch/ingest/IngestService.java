package io.maskwatch.ingest;

import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.kafka.KafkaAccessCheck;
import io.maskwatch.common.kafka.KafkaAcls;
import io.maskwatch.common.observability.HealthCheck;
import io.maskwatch.ingest.camera.CameraMetrics;
import io.maskwatch.ingest.camera.CameraWorker;
import io.maskwatch.ingest.camera.FrameSource;
import io.maskwatch.ingest.camera.FrameSources;
import io.maskwatch.ingest.camera.ffmpeg.FfmpegLog;
import io.maskwatch.ingest.publish.FramePublisher;
import io.maskwatch.ingest.sharding.CameraSharding;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest worker: the cameras assigned to this worker (see {@link CameraSharding}), one thread
 * each, publishing sampled JPEG frames to the frames topic through one bounded {@link FramePublisher}.
 */
public final class IngestService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestService.class);

    private final IngestSettings settings;
    private final List<CameraConfig> cameras;
    private final KafkaSettings kafka;
    private final MeterRegistry registry;
    private final FrameSource.Factory sources;
    private final String hostname;
    private final List<CameraWorker> workers = new ArrayList<>();
    private FramePublisher publisher;
    private ScheduledExecutorService watchdog;
    private List<CameraConfig> assigned = List.of();
    private int workerIndex = -1;
    private volatile boolean started;
    private boolean closed;

    public IngestService(IngestSettings settings, List<CameraConfig> cameras, KafkaSettings kafka,
                         MeterRegistry registry) {
        this(settings, cameras, kafka, registry, FrameSources.standard(settings), hostname());
    }

    /**
     * @param sources  how cameras are opened ({@link FrameSources#standard}: FFmpeg, in production)
     * @param hostname used when {@code worker-index} is -1 (StatefulSet ordinal)
     */
    public IngestService(IngestSettings settings, List<CameraConfig> cameras, KafkaSettings kafka,
                         MeterRegistry registry, FrameSource.Factory sources, String hostname) {
        this.settings = settings;
        this.cameras = List.copyOf(cameras);
        this.kafka = kafka;
        this.registry = registry;
        this.sources = sources;
        this.hostname = hostname;
    }

    static String hostname() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return null;
        }
    }

    /** Starts every assigned camera; returns at once (cameras connect in the background). */
    public synchronized IngestService start() {
        if (started || closed) {
            return this;
        }
        // bad credentials or ACLs stop ingest here; an unreachable broker does not (frames are dropped and counted)
        KafkaAccessCheck.verify(kafka, KafkaAcls.INGEST, KafkaAcls.of(KafkaAcls.table(kafka.topics(),
                KafkaAcls.DETECTOR_GROUP, KafkaAcls.ALERTER_APPLICATION_ID), KafkaAcls.INGEST));
        workerIndex = settings.resolveWorkerIndex(hostname);
        assigned = CameraSharding.assign(cameras, workerIndex, settings.workerCount());
        long enabled = cameras.stream().filter(CameraConfig::enabled).count();
        log.info("ingest worker {} of {}: {} of {} enabled camera(s): {}", workerIndex, settings.workerCount(),
                assigned.size(), enabled, assigned.stream().map(CameraConfig::id).toList());
        if (assigned.isEmpty()) {
            log.warn("no camera is assigned to this worker (worker-index {} of worker-count {}, {} enabled cameras)",
                    workerIndex, settings.workerCount(), enabled);
        }
        FfmpegLog ffmpegLog = FfmpegLog.get();
        ffmpegLog.install(settings.ffmpegLogLevel());

        publisher = new FramePublisher(createProducer(), kafka.topics().frames(), settings.queueCapacity(),
                settings.producer().maxInFlightFrames(), Duration.ofSeconds(5));
        Gauge.builder("maskwatch.ingest.cameras.assigned", this, s -> s.assigned.size())
                .description("Cameras this worker ingests").register(registry);
        Gauge.builder("maskwatch.ingest.frames.pending", publisher, FramePublisher::pendingFrames)
                .description("Frames queued or in flight to Kafka (bounded)").register(registry);
        Gauge.builder("maskwatch.ingest.bytes.pending", publisher, FramePublisher::pendingBytes)
                .description("JPEG bytes queued or in flight to Kafka (bounded)").register(registry);
        for (CameraConfig camera : assigned) {
            CameraMetrics metrics = new CameraMetrics(registry, camera.id());
            Gauge.builder("maskwatch.ingest.queue.depth", publisher, p -> p.queued(camera.id()))
                    .tag("camera", camera.id()).description("Frames of this camera waiting for Kafka")
                    .register(registry);
            publisher.register(camera.id(), metrics);
            workers.add(new CameraWorker(camera.forIngest(), settings, sources, publisher, metrics, ffmpegLog)); // the substream, when set
        }
        publisher.start();
        workers.forEach(CameraWorker::start);
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ingest-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            for (CameraWorker w : workers) {
                try {
                    w.checkStall(now);
                } catch (RuntimeException e) {
                    log.warn("watchdog: {}", e.toString());
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
        started = true;
        return this;
    }

    private Producer<String, byte[]> createProducer() {
        IngestSettings.Producer p = settings.producer();
        Properties props = ClientConfigs.producer(kafka, "maskwatch-ingest-" + workerIndex);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(p.bufferMemoryBytes()));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(p.maxBlockMs()));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(p.deliveryTimeoutMs()));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(p.requestTimeoutMs()));
        props.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(p.lingerMs()));
        return new KafkaProducer<>(props);
    }

    /** Ready once started while Kafka accepts frames; camera outages show on /cameras and in metrics instead. */
    public HealthCheck readiness() {
        return () -> {
            if (!started) {
                return "not started";
            }
            FramePublisher p = publisher;
            return p == null ? "stopped" : p.problem();
        };
    }

    public List<CameraWorker.Status> cameraStatuses() {
        synchronized (this) {
            return workers.stream().map(CameraWorker::status).toList();
        }
    }

    /** Cameras assigned to this worker (after {@link #start()}). */
    public synchronized List<String> assignedCameraIds() {
        return assigned.stream().map(CameraConfig::id).toList();
    }

    public synchronized int workerIndex() {
        return workerIndex;
    }

    /** Frames queued or in flight (bounded by queue capacity x cameras + max in-flight). */
    public int pendingFrames() {
        FramePublisher p = publisher;
        return p == null ? 0 : p.pendingFrames();
    }

    public long pendingBytes() {
        FramePublisher p = publisher;
        return p == null ? 0 : p.pendingBytes();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        started = false;
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
        workers.forEach(CameraWorker::stop);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.stallTimeoutMs() + 2000);
        for (CameraWorker w : workers) {
            long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            if (!w.awaitStop(left)) {
                log.warn("camera {}: its thread did not stop in time (inside FFmpeg); leaving it behind",
                        w.cameraId());
            }
        }
        if (publisher != null) {
            publisher.close();
        }
        log.info("ingest worker {} stopped", workerIndex);
    }
}
