package io.maskwatch.app.bench.faults;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.FrameMetadata;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.serde.EventSerdes;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Everything the bench counts, read back from the topics (read_committed, no consumer group): the
 * frames ingest had acknowledged (they are on the frames topic), the detections, the frame dead
 * letters and the alerts. A frame is identified by camera + sequence + capture time (the sequence
 * starts again at 0 when ingest restarts).
 */
final class Ledger implements AutoCloseable {
    record FrameKey(String camera, long seq, long captureMs) {
    }

    private final KafkaSettings kafka;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String lastError = "";

    private final Map<FrameKey, Boolean> frames = new LinkedHashMap<>();
    /** First detection of each frame, in topic order. */
    private final Map<FrameKey, DetectionEvent> detections = new LinkedHashMap<>();
    private final Map<FrameKey, Long> detectedAtMs = new HashMap<>();
    private final Map<FrameKey, Boolean> deadLetters = new HashMap<>();
    private final Map<String, Integer> alerts = new LinkedHashMap<>();
    private final Map<String, String> alertCamera = new HashMap<>();
    private long records;

    Ledger(KafkaSettings kafka) {
        this.kafka = kafka;
        this.thread = new Thread(this::loop, "fault-bench-ledger");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        Properties p = ClientConfigs.consumer(kafka, "unused", "fault-bench-ledger");
        p.remove("group.id");
        KafkaSettings.TopicNames t = kafka.topics();
        List<String> topics = List.of(t.frames(), t.detections(), t.framesDlq(), t.alerts());
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : topics) {
                c.partitionsFor(topic, Duration.ofSeconds(60)).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            while (running) {
                try {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                        take(r);
                    }
                } catch (RuntimeException e) {
                    lastError = e.toString();
                }
            }
        } catch (RuntimeException e) {
            lastError = e.toString();
        }
    }

    private synchronized void take(ConsumerRecord<String, byte[]> r) {
        records++;
        KafkaSettings.TopicNames t = kafka.topics();
        if (r.topic().equals(t.frames())) {
            FrameKey k = frameKey(r.headers(), r.key());
            if (k != null) {
                frames.put(k, Boolean.TRUE);
            }
        } else if (r.topic().equals(t.framesDlq())) {
            FrameKey k = frameKey(r.headers(), r.key());
            if (k != null) {
                deadLetters.put(k, Boolean.TRUE);
            }
        } else if (r.topic().equals(t.detections())) {
            try {
                DetectionEvent e = EventSerdes.detections().deserialize(r.topic(), r.value());
                FrameKey k = new FrameKey(e.cameraId(), e.frameSequence(), e.captureTimestampMs());
                if (detections.putIfAbsent(k, e) == null) {
                    detectedAtMs.put(k, System.currentTimeMillis());
                }
            } catch (RuntimeException e) {
                lastError = "undecodable detection: " + e.getMessage();
            }
        } else if (r.topic().equals(t.alerts())) {
            Alert a = EventSerdes.alerts().deserialize(r.topic(), r.value());
            alerts.merge(a.alertId(), 1, Integer::sum);
            alertCamera.put(a.alertId(), a.cameraId());
        }
    }

    /** Frame identity from the frame headers (kept on dead letters); poison frames may lack some. */
    private static FrameKey frameKey(Headers h, String key) {
        String camera = str(h.lastHeader(FrameMetadata.CAMERA));
        Long seq = num(h.lastHeader(FrameMetadata.SEQUENCE));
        Long ts = num(h.lastHeader(FrameMetadata.CAPTURE_TS));
        if (camera == null) {
            camera = key;
        }
        if (camera == null || seq == null || ts == null) {
            return null;
        }
        return new FrameKey(camera, seq, ts);
    }

    private static String str(Header h) {
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Long num(Header h) {
        return h == null || h.value().length != 8 ? null : ByteBuffer.wrap(h.value()).getLong();
    }

    /** Counts for cameras whose id starts with {@code prefix}. */
    record Counts(long framesSent, long framesDetected, long framesDeadLettered, long framesLost,
                  List<FrameKey> lostSample, List<DetectionEvent> detectionsInOrder, Map<String, Integer> alerts) {
    }

    synchronized Counts counts(String prefix) {
        long sent = 0;
        long detected = 0;
        long dead = 0;
        long lost = 0;
        List<FrameKey> sample = new ArrayList<>();
        for (FrameKey k : frames.keySet()) {
            if (!k.camera().startsWith(prefix)) {
                continue;
            }
            sent++;
            if (detections.containsKey(k)) {
                detected++;
            } else if (deadLetters.containsKey(k)) {
                dead++;
            } else {
                lost++;
                if (sample.size() < 5) {
                    sample.add(k);
                }
            }
        }
        List<DetectionEvent> inOrder = new ArrayList<>();
        detections.forEach((k, e) -> {
            if (k.camera().startsWith(prefix)) {
                inOrder.add(e);
            }
        });
        Map<String, Integer> a = new LinkedHashMap<>();
        alerts.forEach((id, n) -> {
            if (alertCamera.get(id).startsWith(prefix)) {
                a.put(id, n);
            }
        });
        return new Counts(sent, detected, dead, lost, sample, inOrder, a);
    }

    /** Frames of {@code prefix} captured at or after {@code sinceMs} that ingest got onto the frames topic. */
    synchronized long framesSince(String prefix, long sinceMs) {
        return frames.keySet().stream().filter(k -> k.camera().startsWith(prefix) && k.captureMs() >= sinceMs).count();
    }

    /** Wall time the first detection of a frame of {@code prefix} captured at or after {@code sinceMs} was read, or -1. */
    synchronized long firstDetectionSince(String prefix, long sinceMs) {
        long first = -1;
        for (Map.Entry<FrameKey, Long> e : detectedAtMs.entrySet()) {
            FrameKey k = e.getKey();
            if (k.camera().startsWith(prefix) && k.captureMs() >= sinceMs && (first < 0 || e.getValue() < first)) {
                first = e.getValue();
            }
        }
        return first;
    }

    synchronized long records() {
        return records;
    }

    String lastError() {
        return lastError;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
