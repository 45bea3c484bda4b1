package io.maskwatch.alerter.live;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.EventDecodingException;
import io.maskwatch.common.contract.FrameMetadata;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.serde.EventSerdes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds {@link LiveFrames}: every partition of the frames, detections and alerts topics, from their
 * end (the live view has no history), without a consumer group and without commits, so it never
 * competes with the detector's group and every alerter replica sees every camera.
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

    public LiveFeed(KafkaSettings kafka, LiveFrames frames, Clock clock, String clientId) {
        this.kafka = kafka;
        this.frames = frames;
        this.clock = clock;
        this.clientId = clientId;
        this.thread = new Thread(this::run, "alerter-live");
        thread.setDaemon(true);
    }

    public synchronized void start() {
        running = true;
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
        log.info("live view reading {} from their end", topics());
        return true;
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        try {
            if (r.topic().equals(kafka.topics().frames())) {
                FrameMetadata m = FrameMetadata.readFrom(r.topic(), r.headers());
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
                }
            }
        } catch (EventDecodingException e) {
            // The detector's and the topology's own counts already cover these; skip quietly-ish.
            log.debug("live view skips {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.reason());
        }
    }

    @Override
    public void close() {
        frames.close();
        if (!running) {
            return;
        }
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
