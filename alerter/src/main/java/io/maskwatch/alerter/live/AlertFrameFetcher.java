package io.maskwatch.alerter.live;

import io.maskwatch.common.kafka.ConsumerThreads;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.EventDecodingException;
import io.maskwatch.common.contract.FrameMetadata;
import io.maskwatch.common.kafka.ClientConfigs;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an alert's frame back from the frames topic when the live feed was not reading frames
 * (nobody watched): on the camera's partition (frames are keyed by camera id, default partitioner),
 * from the offset of the alert's capture time ({@code offsetsForTimes}; records carry the capture
 * time) forward to the frame of that camera and capture time; alerts queued together for the same
 * partition and capture time are found in one scan. Its own consumer and thread, so the live loop never waits for a fetch; a
 * full queue drops the request.
 */
final class AlertFrameFetcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertFrameFetcher.class);
    /** Alerts waiting for their frame; more at once than this and the newest go without. */
    static final int QUEUE = 64;
    /** Give up on a frame after reading this far past the alert's capture time (frames of other cameras). */
    static final long SEARCH_PAST_MS = 5_000;
    /** ... or after this long (broker slow or frame gone). */
    static final long SEARCH_FOR_MS = 10_000;

    private final KafkaSettings kafka;
    private final LiveFrames frames;
    private final Clock clock;
    private final String clientId;
    private final BlockingQueue<Alert> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread thread;
    private final Counter found;
    private final Counter missing;
    private final Counter scanned;
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;

    AlertFrameFetcher(KafkaSettings kafka, LiveFrames frames, Clock clock, String clientId, MeterRegistry registry) {
        this.kafka = kafka;
        this.frames = frames;
        this.clock = clock;
        this.clientId = clientId;
        this.thread = new Thread(this::run, "alerter-live-alert-frames");
        thread.setDaemon(true);
        this.found = Counter.builder("maskwatch.alerter.live.alert.frames").tag("result", "found")
                .description("alert frames read back from the frames topic (nobody watched when they were live)")
                .register(registry);
        this.missing = Counter.builder("maskwatch.alerter.live.alert.frames").tag("result", "missing")
                .description("alert frames read back from the frames topic (nobody watched when they were live)")
                .register(registry);
        this.scanned = Counter.builder("maskwatch.alerter.live.alert.frames.scanned")
                .description("frame records read while looking for alert frames").register(registry);
    }

    void start() {
        running = true;
        thread.start();
    }

    /** Asks for the alert's frame; never blocks. */
    void request(Alert a) {
        if (!queue.offer(a)) {
            log.warn("live view: {} alerts already wait for their frame; alert {} will have none", QUEUE, a.alertId());
        }
    }

    private void run() {
        Properties p = ClientConfigs.consumer(kafka, "unused", clientId);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "20");
        // One record batch per fetch (a larger first batch still comes whole): the frame sought is among the
        // first few after its capture time, and the default (16 MB per partition) would pull in megabytes per alert.
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "65536");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "65536");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            consumer = c;
            while (running) {
                Alert first = queue.poll(500, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                // Alerts that came together (one poll of the live feed) on the same frames share a scan.
                List<Alert> batch = new ArrayList<>(List.of(first));
                queue.drainTo(batch);
                try {
                    // One scan per partition and capture time: a scan spanning several seconds would read every
                    // frame in between (measured: more records per alert than separate scans).
                    Map<String, List<Alert>> groups = new TreeMap<>();
                    int partitions = partitions(c);
                    for (Alert a : batch) {
                        groups.computeIfAbsent(partitionOf(a.cameraId(), partitions) + "@" + a.timestampMs(),
                                k -> new ArrayList<>()).add(a);
                    }
                    for (List<Alert> g : groups.values()) {
                        fetch(c, partitionOf(g.get(0).cameraId(), partitions), g);
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    missing.increment(batch.size());
                    log.warn("live view: could not read the frames of {} alert(s): {}", batch.size(), e.toString());
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        }
    }

    private int partitions(KafkaConsumer<String, byte[]> c) {
        List<PartitionInfo> parts = c.partitionsFor(kafka.topics().frames(), Duration.ofSeconds(5));
        if (parts == null || parts.isEmpty()) {
            throw new IllegalStateException("topic " + kafka.topics().frames() + " has no partitions");
        }
        return parts.size();
    }

    /** The producer's default partitioner for a keyed record: frames are keyed by camera id. */
    static int partitionOf(String cameraId, int partitions) {
        return Utils.toPositive(Utils.murmur2(cameraId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Reads forward from the earliest alert's capture time until every alert's frame is found, or past them all. */
    private void fetch(KafkaConsumer<String, byte[]> c, int partition, List<Alert> alerts) {
        TopicPartition tp = new TopicPartition(kafka.topics().frames(), partition);
        // Two people can alert on one frame: several alerts per camera and capture time.
        Map<String, List<Alert>> wanted = new HashMap<>();
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (Alert a : alerts) {
            wanted.computeIfAbsent(a.cameraId() + "@" + a.timestampMs(), k -> new ArrayList<>()).add(a);
            from = Math.min(from, a.timestampMs());
            to = Math.max(to, a.timestampMs());
        }
        c.assign(List.of(tp));
        OffsetAndTimestamp at = c.offsetsForTimes(Map.of(tp, from), Duration.ofSeconds(5)).get(tp);
        if (at != null) {
            long end = c.endOffsets(List.of(tp), Duration.ofSeconds(5)).get(tp);
            c.seek(tp, at.offset());
            long deadline = System.nanoTime() + SEARCH_FOR_MS * 1_000_000;
            scan:
            while (running && !wanted.isEmpty() && c.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    scanned.increment();
                    if (r.timestamp() > to + SEARCH_PAST_MS) {
                        break scan;
                    }
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        FrameMetadata m = FrameMetadata.readFrom(r.topic(), r.headers());
                        List<Alert> same = wanted.remove(m.cameraId() + "@" + m.captureTimestampMs());
                        for (Alert a : same == null ? List.<Alert>of() : same) {
                            found.increment();
                            frames.onFetchedFrame(a, new LiveFrames.Frame(m.cameraId(), m.sequence(),
                                    m.captureTimestampMs(), clock.millis(), r.value()));
                        }
                    } catch (EventDecodingException e) {
                        // not a frame we can read; keep looking
                    }
                }
            }
        }
        // Past retention, never written, or not found in time.
        wanted.values().stream().flatMap(List::stream).forEach(a -> missing.increment());
        wanted.values().stream().flatMap(List::stream).forEach(a -> log.debug("live view: no frame of {} at {} for alert {}", a.cameraId(),
                a.timestampMs(), a.alertId()));
    }

    @Override
    public void close() {
        running = false;
        ConsumerThreads.wakeAndJoin(consumer, thread);
    }
}
