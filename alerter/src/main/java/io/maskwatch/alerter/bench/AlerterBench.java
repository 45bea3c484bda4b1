package io.maskwatch.alerter.bench;

import io.maskwatch.alerter.AlerterConfig;
import io.maskwatch.alerter.AlerterService;
import io.maskwatch.alerter.alert.AlertConfig;
import io.maskwatch.alerter.alert.AlertPolicy;
import io.maskwatch.alerter.notify.NotificationConfig;
import io.maskwatch.alerter.tracking.CameraState;
import io.maskwatch.alerter.tracking.TrackImages;
import io.maskwatch.alerter.tracking.Persons;
import io.maskwatch.alerter.tracking.Tracker;
import io.maskwatch.alerter.tracking.TrackingConfig;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.Face;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.serde.EventSerdes;
import io.maskwatch.common.serde.JsonSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Alerter benchmarks (numbers in docs/ALERTER.md): (1) the tracker alone, state serialisation
 * included, by faces per frame; (2) the whole service on an embedded broker with exactly-once:
 * detections per second through the topology, and capture-to-visible-alert latency at a live pace.
 * Run: {@code ./maskwatch bench --what alerter} (embedded broker), or this main against a scratch broker
 * ({@code AlerterBench BOOTSTRAP_SERVERS [seconds]}), or {@code AlerterBench --tracker-only [seconds]} (no broker).
 */
public final class AlerterBench {
    private AlerterBench() {
    }

    public static void main(String[] args) throws Exception {
        java.util.List<String> a = java.util.Arrays.asList(args);
        boolean trackerOnly = a.contains("--tracker-only");
        java.util.List<String> positional = a.stream().filter(x -> !x.startsWith("--")).toList();
        if (!trackerOnly && positional.isEmpty()) {
            System.err.println("usage: AlerterBench BOOTSTRAP_SERVERS [seconds] | AlerterBench --tracker-only [seconds]"
                    + "  (or ./maskwatch bench --what alerter)");
            System.exit(2);
        }
        String bootstrap = trackerOnly ? null : positional.get(0);
        int secondsAt = trackerOnly ? 0 : 1;
        int seconds = positional.size() > secondsAt ? Integer.parseInt(positional.get(secondsAt)) : 3;
        run(System.out, seconds, bootstrap, trackerOnly);
        System.exit(0);
    }

    /** The tracker alone at one number of faces per frame. */
    public record TrackerRow(int facesPerFrame, double detectionsPerSecond, double microsPerDetection, long stateBytesPerFrame) {
        String text() {
            return String.format("tracker only, %2d face(s)/frame: %,9.0f detections/s (%.1f us each, state %,d bytes/frame)",
                    facesPerFrame, detectionsPerSecond, microsPerDetection, stateBytesPerFrame);
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("faces_per_frame", facesPerFrame);
            m.put("detections_per_s", Math.round(detectionsPerSecond));
            m.put("per_detection_us", Math.round(microsPerDetection * 10) / 10.0);
            m.put("state_bytes_per_frame", stateBytesPerFrame);
            return m;
        }
    }

    /** The whole service: a backlog through the topology, then alerts at a live pace (latencies null: no alert seen). */
    public record EndToEnd(long detections, double seconds, int liveAlerts, Long liveP50Ms, Long liveP95Ms, Long liveMaxMs) {
        String text() {
            String backlog = String.format("end to end (EOS, commit 100 ms, 4 partitions, 1 stream thread): %,d detections (2 faces each) "
                    + "in %.1f s = %,.0f detections/s%n", detections, seconds, detections / seconds);
            return backlog + (liveAlerts == 0 ? "live: no alerts seen" : String.format(
                    "live (10 cameras x 4 fps): %d alerts, capture-to-visible-alert p50 %d ms, p95 %d ms, max %d ms "
                            + "(the confirming frame's capture to a read_committed consumer)", liveAlerts, liveP50Ms,
                    liveP95Ms, liveMaxMs));
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("backlog_detections", detections);
            m.put("backlog_s", Math.round(seconds * 10) / 10.0);
            m.put("backlog_detections_per_s", Math.round(detections / seconds));
            m.put("live_cameras", 10);
            m.put("live_fps_per_camera", 4);
            m.put("live_alerts", liveAlerts);
            m.put("capture_to_alert_p50_ms", liveP50Ms);
            m.put("capture_to_alert_p95_ms", liveP95Ms);
            m.put("capture_to_alert_max_ms", liveMaxMs);
            return m;
        }
    }

    /** Everything one run measured; {@code endToEnd} is null with --tracker-only. */
    public record Result(List<TrackerRow> tracker, EndToEnd endToEnd) {
        /** {@code bench --json}'s "alerter" object. */
        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tracker_cameras", 20);
            m.put("tracker", tracker.stream().map(TrackerRow::json).toList());
            m.put("end_to_end", endToEnd == null ? null : endToEnd.json());
            return m;
        }
    }

    public static Result run(PrintStream out, int seconds, String bootstrapServers) throws Exception {
        return run(out, seconds, bootstrapServers, false);
    }

    /** @param trackerOnly skip the broker part (quick, and comparable across builds) */
    public static Result run(PrintStream out, int seconds, String bootstrapServers, boolean trackerOnly) throws Exception {
        out.printf("alerter bench on %d CPU(s), Java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        trackerOnly(4, 1); // warm-up
        List<TrackerRow> rows = new ArrayList<>();
        for (int faces : new int[] {1, 4, 16}) {
            TrackerRow r = trackerOnly(faces, seconds);
            out.println(r.text());
            rows.add(r);
        }
        EndToEnd e = null;
        if (!trackerOnly) {
            e = endToEnd(seconds, bootstrapServers);
            out.println(e.text());
        }
        return new Result(rows, e);
    }

    private static Face face(double cx, double cy, double p, byte[] crop) {
        return new Face(new Box(cx - 40, cy - 40, cx + 40, cy + 40), 0.95, p >= 0.5 ? FaceLabel.NO_MASK : FaceLabel.MASK,
                Math.max(p, 1 - p), Map.of("mask", 1 - p, "no_mask", p), crop, crop);
    }

    /** People walking across the view of one camera; {@code faces} of them at a time. */
    private static DetectionEvent frame(String camera, long ts, int i, int faces, byte[] crop) {
        List<Face> list = new ArrayList<>();
        for (int k = 0; k < faces; k++) {
            int person = (i / 40) * faces + k;
            double x = 60 + (i % 40) * 28;
            double y = 60 + k * (600.0 / Math.max(1, faces));
            list.add(face(x, y, person % 3 == 0 ? 0.9 : 0.1, crop));
        }
        return DetectionEvent.of(camera, i, ts, ts + 20, 1280, 720, "bench", "bench", list);
    }

    private static TrackerRow trackerOnly(int faces, int seconds) {
        TrackingConfig tc = TrackingConfig.defaults();
        Persons tracker = new Persons(new Tracker(tc), AlertPolicy.of(tc, AlertConfig.defaults()), 60_000);
        JsonSerde<CameraState> serde = new JsonSerde<>(CameraState.class, CameraState.UPGRADE);
        TrackImages images = TrackImages.inMemory();
        byte[] crop = new byte[6_000];
        new Random(1).nextBytes(crop);
        int cameras = 20;
        Map<String, CameraState> states = new HashMap<>();
        long n = 0;
        long bytes = 0;
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long t0 = System.nanoTime();
        for (int i = 0; System.nanoTime() < deadline || n < 2_000; i++) {
            for (int c = 0; c < cameras; c++) {
                String cam = "cam-" + c;
                Persons.Step s = tracker.onDetection(states.get(cam), frame(cam, 1_000_000L + i * 250L, i, faces, crop), 0, images);
                byte[] stored = serde.serialize(null, s.state()); // a store put, then the next frame's get
                bytes += stored.length;
                states.put(cam, serde.deserialize(null, stored));
                n++;
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return new TrackerRow(faces, n / secs, secs * 1e6 / n, bytes / n);
    }

    private static EndToEnd endToEnd(int seconds, String bootstrapServers) throws Exception {
        Path state = Files.createTempDirectory("alerter-bench-");
        try {
            KafkaSettings kafka = new KafkaSettings(bootstrapServers, Map.of(), KafkaSettings.TopicNames.defaults(),
                    4, (short) 1, true);
            AlerterConfig cfg = AlerterConfig.defaults().withStateDir(state.toString()).withApplicationId("alerter-bench")
                    .withApiToken(java.util.UUID.randomUUID().toString())
                    .withHttp("127.0.0.1", 0, null)
                    .withNotifications(new NotificationConfig(10_000, 60_000, 3_600_000, List.of()));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            byte[] crop = new byte[6_000];
            new Random(2).nextBytes(crop);
            int cameras = 20;
            int perCamera = 1_000;
            try (AlerterService service = new AlerterService(cfg, kafka, List.of(), registry);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ClientConfigs.producer(kafka, "bench"))) {
                service.start();
                long base = System.currentTimeMillis() - 3_600_000;
                for (int i = 0; i < perCamera; i++) {
                    for (int c = 0; c < cameras; c++) {
                        DetectionEvent e = frame("cam-" + c, base + i * 250L, i, 2, crop);
                        producer.send(new ProducerRecord<>(kafka.topics().detections(), e.cameraId(),
                                EventSerdes.detections().serialize(null, e)));
                    }
                }
                producer.flush();
                long total = (long) cameras * perCamera;
                long t0 = 0;
                long deadline = System.currentTimeMillis() + 300_000;
                while (processed(registry) < total && System.currentTimeMillis() < deadline) {
                    if (t0 == 0 && processed(registry) > 0) {
                        t0 = System.nanoTime();
                    }
                    Thread.sleep(20);
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                long backlog = (long) processed(registry);

                // Live pace: 10 cameras at 4 fps, a new unmasked person every 4 s per camera.
                List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
                AtomicBoolean reading = new AtomicBoolean(true);
                long liveFrom = System.currentTimeMillis();
                Thread reader = new Thread(() -> {
                    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(ClientConfigs.consumer(kafka, "bench-alerts", "bench"))) {
                        c.subscribe(List.of(kafka.topics().alerts()));
                        while (reading.get()) {
                            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(50))) {
                                Alert a = EventSerdes.alerts().deserialize(null, r.value());
                                if (a.timestampMs() >= liveFrom) {
                                    latencies.add(System.currentTimeMillis() - a.timestampMs());
                                }
                            }
                        }
                    }
                });
                reader.start();
                int liveSeconds = Math.max(10, seconds * 5);
                for (int i = 0; i < liveSeconds * 4; i++) {
                    long now = System.currentTimeMillis();
                    for (int c = 0; c < 10; c++) {
                        int k = i % 16;
                        List<Face> faces = List.of(face(100 + k * 60, 300, 0.92, crop));
                        DetectionEvent e = DetectionEvent.of("live-" + c, i, now, now + 20, 1280, 720, "bench", "bench",
                                k < 12 ? faces : List.of());
                        producer.send(new ProducerRecord<>(kafka.topics().detections(), e.cameraId(),
                                EventSerdes.detections().serialize(null, e)));
                    }
                    Thread.sleep(Math.max(0, now + 250 - System.currentTimeMillis()));
                }
                Thread.sleep(2_000);
                reading.set(false);
                reader.join();
                List<Long> l = new ArrayList<>(latencies);
                Collections.sort(l);
                return l.isEmpty() ? new EndToEnd(backlog, secs, 0, null, null, null)
                        : new EndToEnd(backlog, secs, l.size(), l.get(l.size() / 2), l.get((int) (l.size() * 0.95)),
                                l.get(l.size() - 1));
            }
        } finally {
            io.maskwatch.common.io.Directories.deleteRecursively(state);
        }
    }

    private static double processed(SimpleMeterRegistry registry) {
        return registry.find("maskwatch.alerter.detections").tag("result", "processed").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
