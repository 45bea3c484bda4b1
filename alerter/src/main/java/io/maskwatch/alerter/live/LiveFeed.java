package io.maskwatch.alerter.live;

import io.maskwatch.common.kafka.ConsumerThreads;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.EventDecodingException;
import io.maskwatch.common.contract.FrameMetadata;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.serde.EventSerdes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds {@link LiveFrames}: every partition of the frames, detections and alerts topics, from their
 * end (the live view has no history), without a consumer group and without commits, so it never
 * competes with the detector's group and every alerter replica sees every camera. The frames
 * partitions are paused while nobody watches ({@link LiveFrames#watched()}): fetching 2.4 MB/s of
 * frames for no one was most of the live view's cost. On resume they start
 * {@value #RESUME_BACK_MS} ms back, so every camera's tile comes at once. An alert that arrives
 * while frames are paused gets its frame read back by {@link AlertFrameFetcher}, on its own
 * consumer and thread, so this loop never waits for it.
 */
public final class LiveFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);

    private final KafkaSettings kafka;
    private final LiveFrames frames;
    private final Clock clock;
    private final String clientId;
    private final Thread thread;
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    /** Frames start this far back on resume: one or more per camera at the sampled rate. */
    static final long RESUME_BACK_MS = 2_000;
    private final AlertFrameFetcher fetcher;
    private final Counter framesRead;
    private volatile List<TopicPartition> frameParts = List.of();
    private volatile boolean framesOn;

    public LiveFeed(KafkaSettings kafka, LiveFrames frames, Clock clock, String clientId, MeterRegistry registry) {
        this.kafka = kafka;
        this.frames = frames;
        this.clock = clock;
        this.clientId = clientId;
        this.framesRead = Counter.builder("maskwatch.alerter.live.frames.read")
                .description("frame records the live view fetched (none while nobody watches)").register(registry);
        this.fetcher = new AlertFrameFetcher(kafka, frames, clock, clientId + "-alert-frames", registry);
        this.thread = new Thread(this::run, "alerter-live");
        thread.setDaemon(true);
    }

    public synchronized void start() {
        running = true;
        fetcher.start();
        thread.start();
    }

    private List<String> topics() {
        return List.of(kafka.topics().frames(), kafka.topics().detections(), kafka.topics().alerts());
    }

    /** The live view is not worth a restart of the alerter: on an error it starts over after a pause. */
    private void run() {
        while (running) {
            try {
                runOnce();
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.error("live view feed failed, starting over in 5 s: {}", e.toString(), e);
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void runOnce() {
        Properties p = ClientConfigs.consumer(kafka, "unused", clientId);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        // Frames are big: a small fetch keeps a backlog from being pulled in only to be dropped.
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            consumer = c;
            while (running && !assign(c)) {
                Thread.sleep(2_000);
            }
            while (running) {
                watch(c);
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            running = false; // closing
        }
    }

    private boolean assign(KafkaConsumer<String, byte[]> c) {
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : topics()) {
            List<PartitionInfo> parts = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (parts == null || parts.isEmpty()) {
                return false;
            }
            parts.forEach(pi -> all.add(new TopicPartition(topic, pi.partition())));
        }
        c.assign(all);
        c.seekToEnd(all);
        all.forEach(c::position); // resolve "end" now, not at the first poll
        frameParts = all.stream().filter(tp -> tp.topic().equals(kafka.topics().frames())).toList();
        c.pause(frameParts);
        framesOn = false;
        log.info("live view reading {} from their end; frames only while someone watches", topics());
        return true;
    }

    /** Resumes the frames partitions when a viewer comes, a little back from their end; pauses them when all left. */
    private void watch(KafkaConsumer<String, byte[]> c) {
        boolean want = frames.watched();
        if (want == framesOn) {
            return;
        }
        if (want) {
            Map<TopicPartition, Long> at = new HashMap<>();
            frameParts.forEach(tp -> at.put(tp, clock.millis() - RESUME_BACK_MS));
            Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(at, Duration.ofSeconds(5));
            Map<TopicPartition, Long> ends = c.endOffsets(frameParts, Duration.ofSeconds(5));
            for (TopicPartition tp : frameParts) {
                OffsetAndTimestamp o = found.get(tp);
                c.seek(tp, o != null ? o.offset() : ends.get(tp));
            }
            c.resume(frameParts);
            log.info("live view: a viewer came, reading frames");
        } else {
            c.pause(frameParts);
            log.info("live view: nobody watched for {} ms, frames paused", frames.watchMs());
        }
        framesOn = want;
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        try {
            if (r.topic().equals(kafka.topics().frames())) {
                FrameMetadata m = FrameMetadata.readFrom(r.topic(), r.headers());
                framesRead.increment();
                if (r.value() != null) {
                    frames.onFrame(new LiveFrames.Frame(m.cameraId(), m.sequence(), m.captureTimestampMs(), clock.millis(),
                            r.value()));
                }
            } else if (r.topic().equals(kafka.topics().detections())) {
                DetectionEvent d = EventSerdes.detections().deserialize(r.topic(), r.value());
                if (d != null) {
                    frames.onDetection(d);
                }
            } else {
                Alert a = EventSerdes.alerts().deserialize(r.topic(), r.value());
                if (a != null) {
                    frames.onAlert(a);
                    if (!framesOn || frames.lacksFrame(a)) {
                        fetcher.request(a); // its frame was not read live
                    }
                }
            }
        } catch (EventDecodingException e) {
            // The detector's and the topology's own counts already cover these; skip quietly-ish.
            log.debug("live view skips {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.reason());
        }
    }

    /** True once the feed is assigned to the topics' end (records written after this are seen). */
    public boolean assigned() {
        return !frameParts.isEmpty();
    }

    /** True while the frames partitions are being read (someone watches). */
    public boolean readingFrames() {
        return framesOn;
    }

    @Override
    public void close() {
        frames.close();
        fetcher.close();
        if (!running) {
            return;
        }
        running = false;
        ConsumerThreads.wakeAndJoin(consumer, thread);
    }
}
