package io.maskwatch.detector.service;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.EventDecodingException;
import io.maskwatch.common.contract.FrameMetadata;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.kafka.KafkaAccessCheck;
import io.maskwatch.common.kafka.KafkaAcls;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.common.observability.HealthCheck;
import io.maskwatch.common.observability.HealthCheck.Heartbeat;
import io.maskwatch.common.serde.EventSerdes;
import io.maskwatch.common.serde.JsonSerde;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.face.FaceBackends;
import io.maskwatch.detector.mask.MaskLabeller;
import io.maskwatch.detector.pipeline.FramePipeline;
import io.maskwatch.detector.pipeline.FrameResult;
import io.maskwatch.detector.pipeline.LabelReuse;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector service: a member of the {@code detector.group-id} consumer group on
 * {@code maskwatch.frames}; for every frame it produces a {@link DetectionEvent} on
 * {@code maskwatch.detections} keyed by camera (also when no face was found).
 *
 * <p>At-least-once: a poll batch's offsets are committed only after every event (and dead letter)
 * of the batch is acknowledged; on a failed send the consumer rewinds and retries the batch.
 * Frames older than {@code max-frame-age-ms} are skipped (real time over completeness). Poison
 * records (bad headers, undecodable image) go to {@code maskwatch.frames.dlq} with header
 * {@code mw.dlq.reason} and never stop consumption. The only state is the per-camera
 * label memory ({@link LabelReuse}, {@code reclassify-every}), dropped with revoked partitions, so
 * replicas scale with partitions.
 */
public final class DetectorService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DetectorService.class);
    public static final String DLQ_REASON = "mw.dlq.reason";
    /** The topic a dead letter came from, for {@code maskwatch dlq replay}. */
    public static final String DLQ_TOPIC = "mw.dlq.topic";
    public static final String UNKNOWN_CAMERA = "unknown";

    private final DetectorConfig config;
    private final KafkaSettings kafka;
    private final DetectorMetrics metrics;
    private final Map<String, String> env;
    private final Clock clock;
    private final JsonSerde<DetectionEvent> serde = EventSerdes.detections();
    /** How long the consumer loop may go without coming round before the service counts as dead. */
    public static final Duration DEFAULT_LIVENESS_TIMEOUT = Duration.ofMinutes(5);
    private final Heartbeat heartbeat;
    private final SendRetry sendRetry;
    private final java.util.random.RandomGenerator random = new java.util.SplittableRandom();
    /** Failed attempts of the batch being retried (0 when the last batch went through). */
    private int failedAttempts;
    private volatile Consumer<String> onFatal;
    private volatile Thread watchdog;
    private final String clientId = "maskwatch-detector-" + UUID.randomUUID().toString().substring(0, 8);

    private volatile FramePipeline pipeline;
    /** Labels reused across a camera's frames; touched only by the consumer thread (also in rebalance callbacks). */
    private final LabelReuse reuse;
    /** Cameras seen per partition, so a revoked partition's cameras are forgotten. */
    private final Map<TopicPartition, java.util.Set<String>> camerasOf = new HashMap<>();
    private volatile KafkaProducer<String, byte[]> producer;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread loop;
    private volatile boolean running;
    private volatile boolean assigned;
    private volatile String fatal;
    private volatile int partitions;
    private boolean closed;

    public DetectorService(DetectorConfig config, KafkaSettings kafka, MeterRegistry registry) {
        this(config, kafka, registry, System.getenv(), Clock.systemUTC());
    }

    public DetectorService(DetectorConfig config, KafkaSettings kafka, MeterRegistry registry,
                           Map<String, String> env, Clock clock) {
        this(config, kafka, registry, env, clock, DEFAULT_LIVENESS_TIMEOUT, SendRetry.DEFAULT);
    }

    public DetectorService(DetectorConfig config, KafkaSettings kafka, MeterRegistry registry,
                           Map<String, String> env, Clock clock, Duration livenessTimeout, SendRetry sendRetry) {
        this.heartbeat = new Heartbeat("detector consumer loop", livenessTimeout, clock);
        this.sendRetry = sendRetry;
        this.config = config;
        this.kafka = kafka;
        this.metrics = new DetectorMetrics(registry);
        this.reuse = new LabelReuse(config.reclassifyEvery(), config.reclassifyMinIou(), config.reclassifyMinScore(),
                config.reclassifyMaxChange(), config.motionGate());
        metrics.reuse(reuse);
        this.env = Map.copyOf(env);
        this.clock = clock;
    }

    /**
     * Checks the model files, loads the classifier and detectors, creates topics when allowed and
     * starts consuming.
     *
     * @throws io.maskwatch.common.config.ConfigException for missing or wrong model files
     */
    public synchronized DetectorService start() {
        if (running || closed) {
            throw new IllegalStateException(closed ? "service is closed" : "service already started");
        }
        FaceBackends.check(FaceBackends.resolve(config, env).config(), env);
        // before the models load: a wrong password or missing ACL fails in a second, saying which
        KafkaAccessCheck.verify(kafka, KafkaAcls.DETECTOR, KafkaAcls.of(KafkaAcls.table(kafka.topics(),
                config.groupId(), KafkaAcls.ALERTER_APPLICATION_ID), KafkaAcls.DETECTOR));
        long t0 = System.nanoTime();
        MaskLabeller labeller = MaskLabeller.load(config);
        try {
            pipeline = FramePipeline.create(config, env, labeller, metrics);
        } catch (RuntimeException e) {
            labeller.close();
            throw e;
        }
        log.info("detector: backend {} x{} threads, classifier {} loaded in {} ms", pipeline.detectorName(), config.threads(),
                labeller.modelId(), (System.nanoTime() - t0) / 1_000_000);
        if (kafka.createTopics()) {
            TopicSetup.ensureTopics(kafka);
        }
        producer = new KafkaProducer<>(ClientConfigs.producer(kafka, clientId));
        Properties cp = ClientConfigs.consumer(kafka, config.groupId(), clientId);
        cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(config.pollBatchSize()));
        consumer = new KafkaConsumer<>(cp);
        running = true;
        heartbeat.beat();
        loop = new Thread(this::run, "detector-consumer");
        loop.start();
        Consumer<String> fatalHandler = onFatal;
        if (fatalHandler != null) {
            watchdog = heartbeat.watch(Duration.ofSeconds(1), reason -> {
                log.error("detector: {}; the service cannot continue", reason);
                fatalHandler.accept(reason);
            });
        }
        return this;
    }

    /**
     * Called once (on a watchdog thread) when the consumer loop has died or stopped making progress;
     * the command exits so the orchestrator restarts the process. Set before {@link #start()}.
     */
    public DetectorService onFatal(Consumer<String> handler) {
        this.onFatal = handler;
        return this;
    }

    /** For /health/live: fails when the consumer loop has stopped or made no progress for the liveness timeout. */
    public HealthCheck liveness() {
        HealthCheck live = heartbeat.liveness();
        return () -> running ? live.problem() : null;
    }

    /** Ready when the model is loaded and the consumer has joined the group (got its assignment). */
    public HealthCheck health() {
        return () -> {
            if (fatal != null) {
                return "consumer stopped: " + fatal;
            }
            String dead = liveness().problem();
            if (dead != null) {
                return dead;
            }
            if (pipeline == null) {
                return "model not loaded";
            }
            if (!assigned) {
                return "consumer not yet assigned partitions of " + kafka.topics().frames();
            }
            return null;
        };
    }

    /** Partitions of the frames topic this replica currently owns. */
    public int assignedPartitions() {
        return partitions;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(kafka.topics().frames()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> ps) {
                    log.info("detector: partitions revoked {}", ps);
                    forget(ps);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> ps) {
                    log.info("detector: partitions lost {}", ps);
                    forget(ps);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> ps) {
                    partitions = consumer.assignment().size();
                    assigned = true;
                    log.info("detector: partitions assigned {} (now {})", ps, partitions);
                }
            });
            while (running) {
                heartbeat.beat();
                ConsumerRecords<String, byte[]> records;
                try {
                    records = consumer.poll(Duration.ofMillis(500));
                } catch (RetriableException e) {
                    // e.g. a coordinator or leader moving: the client recovers, the loop goes on.
                    log.warn("detector: poll failed ({}); polling again", e.toString());
                    continue;
                }
                if (!records.isEmpty()) {
                    handle(records);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            fatal = e.toString();
            heartbeat.stopped(e.toString());
            log.error("detector: consumer loop stopped", e);
        } finally {
            try {
                consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
            } catch (RuntimeException e) {
                log.warn("detector: closing consumer: {}", e.toString());
            }
        }
    }

    /** Another replica may now own these cameras: their next frames start from scratch here. */
    private void forget(Collection<TopicPartition> ps) {
        for (TopicPartition tp : ps) {
            java.util.Set<String> cams = camerasOf.remove(tp);
            if (cams != null) {
                reuse.forget(cams);
            }
        }
    }

    private record Work(ConsumerRecord<String, byte[]> record, FrameMetadata meta) {
    }

    /** A send in flight: {@code meta} is null for a dead letter (whose failure cannot be dead-lettered again). */
    private record Pending(Future<RecordMetadata> ack, ConsumerRecord<String, byte[]> record, FrameMetadata meta,
                           List<io.maskwatch.common.contract.Face> faces) {
    }

    private record Failed(Pending pending, String error) {
    }

    void handle(ConsumerRecords<String, byte[]> records) {
        List<Work> work = new ArrayList<>();
        List<Pending> pending = new ArrayList<>();
        long now = clock.millis();
        for (ConsumerRecord<String, byte[]> r : records) {
            FrameMetadata md;
            try {
                md = FrameMetadata.readFrom(r.topic(), r.headers());
            } catch (EventDecodingException e) {
                pending.add(deadLetter(r, "bad headers: " + e.reason(), "bad_headers"));
                continue;
            }
            if (config.maxFrameAgeMs() > 0 && now - md.captureTimestampMs() > config.maxFrameAgeMs()) {
                metrics.skipped(md.cameraId(), "too_old");
                continue;
            }
            work.add(new Work(r, md));
        }
        if (!work.isEmpty()) {
            metrics.batch(work.size());
            List<FrameResult> results = process(work);
            long processedAt = clock.millis();
            for (int i = 0; i < work.size(); i++) {
                Work w = work.get(i);
                FrameResult res = results.get(i);
                if (!res.ok()) {
                    pending.add(deadLetter(w.record(), res.error(), res.error().startsWith("processing failed")
                            ? "processing" : "undecodable"));
                    continue;
                }
                FrameMetadata md = w.meta();
                DetectionEvent ev = DetectionEvent.of(md.cameraId(), md.sequence(), md.captureTimestampMs(), processedAt,
                        res.width(), res.height(), pipeline.detectorName(), pipeline.modelId(), res.faces());
                pending.add(new Pending(producer.send(new ProducerRecord<>(kafka.topics().detections(), md.cameraId(),
                        serde.serialize(kafka.topics().detections(), ev))), w.record(), md, res.faces()));
            }
        }
        // At-least-once: everything acknowledged, then commit; otherwise replay the batch a bounded
        // number of times, then dead-letter what still fails. Only a failing DLQ keeps the batch.
        List<Failed> failed = awaitAll(pending);
        if (failed == null) {
            rewind(records);
            return;
        }
        if (!failed.isEmpty()) {
            failedAttempts++;
            metrics.produceFailures().increment();
            String error = failed.get(0).error();
            boolean dlqFailed = failed.stream().anyMatch(f -> f.pending().meta() == null);
            if (failedAttempts < sendRetry.maxAttempts() || dlqFailed) {
                long delay = sendRetry.delayMs(Math.min(failedAttempts, sendRetry.maxAttempts()), random);
                log.warn("detector: {} of {} sends failed ({}{}); attempt {} of {}, replaying the batch in {} ms",
                        failed.size(), pending.size(), error, dlqFailed ? ", also to the DLQ" : "", failedAttempts,
                        sendRetry.maxAttempts(), delay);
                rewind(records);
                sleepQuietly(delay);
                return;
            }
            log.error("detector: {} sends failed {} times ({}); sending those frames to {}", failed.size(),
                    failedAttempts, error, kafka.topics().framesDlq());
            List<Pending> dead = new ArrayList<>();
            for (Failed f : failed) {
                dead.add(deadLetter(f.pending().record(), "send to " + kafka.topics().detections() + " failed after "
                        + failedAttempts + " attempts: " + f.error(), "send_failed"));
            }
            pending.removeAll(failed.stream().map(Failed::pending).toList());
            List<Failed> deadFailed = awaitAll(dead);
            if (deadFailed == null || !deadFailed.isEmpty()) {
                log.error("detector: the DLQ write failed too ({}); replaying the batch",
                        deadFailed == null ? "interrupted" : deadFailed.get(0).error());
                rewind(records);
                sleepQuietly(sendRetry.maxBackoff().toMillis());
                return;
            }
        }
        failedAttempts = 0;
        long acked = clock.millis();
        for (Pending p : pending) {
            if (p.meta() != null) {
                metrics.processed(p.meta().cameraId(), p.faces(), acked - p.meta().captureTimestampMs());
            }
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> rs = records.records(tp);
            offsets.put(tp, new OffsetAndMetadata(rs.get(rs.size() - 1).offset() + 1));
        }
        io.maskwatch.common.kafka.OffsetCommits.commit(consumer, offsets, records.count());
    }

    /** Waits for every send; the failed ones with their errors, or null if interrupted. */
    private List<Failed> awaitAll(List<Pending> pending) {
        List<Failed> failed = new ArrayList<>();
        for (Pending p : pending) {
            heartbeat.beat();
            try {
                p.ack().get(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                failed.add(new Failed(p, rootMessage(e)));
            }
        }
        return failed;
    }

    /** The batch through the pipeline; if it fails as a whole, frame by frame so one bad frame cannot block the rest. */
    private List<FrameResult> process(List<Work> work) {
        List<byte[]> jpegs = work.stream().map(w -> w.record().value()).toList();
        List<String> cameras = work.stream().map(w -> w.meta().cameraId()).toList();
        for (Work w : work) {
            camerasOf.computeIfAbsent(new TopicPartition(w.record().topic(), w.record().partition()),
                    tp -> new java.util.HashSet<>()).add(w.meta().cameraId());
        }
        try {
            return pipeline.processEncoded(jpegs, cameras, reuse);
        } catch (RuntimeException e) {
            log.warn("detector: batch of {} frames failed ({}); retrying frame by frame", work.size(), e.toString());
            List<FrameResult> out = new ArrayList<>();
            for (byte[] j : jpegs) {
                try {
                    out.add(pipeline.processEncoded(java.util.Collections.singletonList(j)).get(0));
                } catch (RuntimeException e1) {
                    out.add(FrameResult.failed("processing failed: " + e1));
                }
            }
            return out;
        }
    }

    private Pending deadLetter(ConsumerRecord<String, byte[]> r, String reason, String metricReason) {
        String camera = cameraOf(r);
        metrics.failed(camera, metricReason);
        log.warn("detector: frame {}-{}@{} from camera '{}' to {}: {}", r.topic(), r.partition(), r.offset(), camera,
                kafka.topics().framesDlq(), reason);
        RecordHeaders headers = new RecordHeaders();
        for (Header h : r.headers()) {
            headers.add(h);
        }
        headers.remove(DLQ_REASON).add(DLQ_REASON, truncate(reason, 500).getBytes(StandardCharsets.UTF_8));
        headers.remove(DLQ_TOPIC).add(DLQ_TOPIC, r.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("mw.dlq.source", (r.topic() + "-" + r.partition() + "@" + r.offset()).getBytes(StandardCharsets.UTF_8));
        ProducerRecord<String, byte[]> pr = new ProducerRecord<>(kafka.topics().framesDlq(), null, r.key(), r.value(), headers);
        return new Pending(producer.send(pr), r, null, List.of());
    }

    private static String cameraOf(ConsumerRecord<String, byte[]> r) {
        if (r.key() != null && !r.key().isBlank() && r.key().length() <= 64) {
            return r.key();
        }
        Header h = r.headers().lastHeader(FrameMetadata.CAMERA);
        if (h != null && h.value() != null && h.value().length > 0 && h.value().length <= 64) {
            return new String(h.value(), StandardCharsets.UTF_8);
        }
        return UNKNOWN_CAMERA;
    }

    private void rewind(ConsumerRecords<String, byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            if (consumer.assignment().contains(tp)) {
                consumer.seek(tp, records.records(tp).get(0).offset());
            }
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        if (watchdog != null) {
            watchdog.interrupt();
        }
        if (consumer != null) {
            consumer.wakeup();
        }
        if (loop != null) {
            try {
                loop.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
        if (pipeline != null) {
            pipeline.close();
        }
        log.info("detector: stopped");
    }
}
