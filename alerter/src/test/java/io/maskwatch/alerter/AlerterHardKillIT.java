package io.maskwatch.alerter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.ComplianceWindow;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import io.maskwatch.common.serde.EventSerdes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once under a crash: the alerter runs in a child JVM and is SIGKILLed (no commit, no close)
 * while detections are being processed, then started again on the same state directory. Read with
 * read_committed, every expected alert is on the alerts topic exactly once and the facility
 * compliance counts are exact. Under at_least_once the records processed since the last commit are
 * processed again after the restart: the facility aggregator (behind a repartition topic) adds the
 * replayed deltas to counts that already hold them.
 */
class AlerterHardKillIT {
    private static final long STEP = 250;
    /** Long enough that a kill lands inside an open transaction; the IT's latency does not matter. */
    private static final long COMMIT_MS = 3_000;
    private static final String APP_ID = "alerter-kill-it";

    private EmbeddedKafkaBroker broker;
    private KafkaSettings kafka;
    private Path stateDir;
    private Path logDir;
    private final List<Process> children = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        broker = EmbeddedKafkaBroker.start();
        kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), KafkaSettings.TopicNames.defaults(), 2, (short) 1, true);
        stateDir = Files.createTempDirectory("alerter-kill-state-");
        logDir = Files.createTempDirectory("alerter-kill-logs-");
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (broker != null) {
            broker.close();
        }
        EmbeddedDirs.delete(stateDir);
        EmbeddedDirs.delete(logDir);
    }

    private Process child(String name) throws IOException {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", cp, AlerterChild.class.getName(),
                broker.bootstrapServers(), stateDir.toString(), APP_ID, String.valueOf(COMMIT_MS));
        pb.redirectErrorStream(true);
        pb.redirectOutput(logDir.resolve(name + ".log").toFile());
        Process p = pb.start();
        children.add(p);
        return p;
    }

    private String logs() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("first", "second")) {
            try {
                List<String> lines = Files.readAllLines(logDir.resolve(name + ".log"));
                out.append("\n--- ").append(name).append(" child, last lines ---\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            } catch (IOException e) {
                out.append("\n(no ").append(name).append(" child log)");
            }
        }
        return out.toString();
    }

    /** Per camera: people one after another, every other one unmasked; 3.5 s of nobody after each. */
    private static List<DetectionEvent> camera(String camera, long base, int people) {
        List<DetectionEvent> out = new ArrayList<>();
        long t = base;
        for (int i = 0; i < people; i++) {
            double p = i % 2 == 0 ? 0.93 : 0.05;
            out.addAll(Script.walk(camera, t, STEP, 10, 100 + 50 * i, 500 + 50 * i, 300, 80, p));
            t += 10 * STEP;
            out.addAll(Script.frames(camera, t, STEP, 14, ts -> List.of()));
            t += 14 * STEP;
        }
        return out;
    }

    private void await(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what + logs());
            }
            Thread.sleep(100);
        }
    }

    @Test
    void noAlertDuplicatedOrLostAcrossASigkill() throws Exception {
        long base = System.currentTimeMillis() - 120_000;
        List<DetectionEvent> all = new ArrayList<>();
        String[] cameras = {"cam-1", "cam-2", "cam-3", "cam-4"};
        for (int c = 0; c < cameras.length; c++) {
            all.addAll(camera(cameras[c], base + c * 60L, 6));
        }
        all.sort(Comparator.comparingLong(DetectionEvent::captureTimestampMs));

        // What the topology makes of these detections when nothing crashes.
        TreeSet<String> expected = new TreeSet<>();
        Map<Long, List<Long>> expectedFacility = new TreeMap<>();
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.config())) {
            h.send(all);
            h.alertLog.forEach(a -> expected.add(a.alertId()));
            expectedFacility.putAll(facility(h.complianceLog));
        }
        assertEquals(12, expected.size(), "3 unmasked people on each of 4 cameras: " + expected);
        assertEquals(24L, expectedFacility.values().stream().mapToLong(c -> c.get(0)).sum(), "24 people: " + expectedFacility);

        List<ComplianceWindow> windows = Collections.synchronizedList(new ArrayList<>());

        List<Alert> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = new Thread(() -> {
            // ClientConfigs.consumer reads with isolation.level=read_committed: aborted transactions stay hidden.
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(ClientConfigs.consumer(kafka, "kill-it-alerts", "kill-it-alerts"))) {
                c.subscribe(List.of(kafka.topics().alerts(), kafka.topics().compliance()));
                while (reading.get()) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                        if (r.topic().equals(kafka.topics().alerts())) {
                            seen.add(EventSerdes.alerts().deserialize(r.topic(), r.value()));
                        } else {
                            windows.add(EventSerdes.compliance().deserialize(r.topic(), r.value()));
                        }
                    }
                }
            }
        }, "kill-it-reader");
        reader.start();

        String topic = kafka.topics().detections();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ClientConfigs.producer(kafka, "kill-it-detector"))) {
            Process first = child("first");
            AtomicBoolean feeding = new AtomicBoolean(true);
            Thread feeder = new Thread(() -> {
                try {
                    for (DetectionEvent e : all) {
                        producer.send(new ProducerRecord<>(topic, null, e.captureTimestampMs(), e.cameraId(),
                                EventSerdes.detections().serialize(topic, e)));
                        Thread.sleep(40); // a steady stream, so the kill lands while records are in flight
                    }
                    producer.flush();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    feeding.set(false);
                }
            }, "kill-it-feeder");
            feeder.start();

            // Kill once the first instance has committed output, half a commit interval later, so that
            // processed but uncommitted records exist (the facility counts of the last people).
            await("the first instance's first alerts", 60_000, () -> seen.size() >= 6);
            Thread.sleep(COMMIT_MS / 2);
            assertTrue(feeding.get(), "the feed outlasts the kill (make the stream longer)");
            first.destroyForcibly(); // SIGKILL: no commit, no abort, no close
            assertTrue(first.waitFor(10, TimeUnit.SECONDS), "first child killed");
            int atKill = seen.size();

            child("second");
            feeder.join(120_000);
            await("every expected alert after the restart", 75_000, () -> ids(seen).keySet().containsAll(expected));
            await("every person counted in the facility windows", 30_000, () -> {
                synchronized (windows) {
                    return facility(windows).values().stream().mapToLong(c -> c.get(0)).sum() >= 24;
                }
            });
            // The second instance has processed everything by now; a replayed record's output would be
            // in its next transaction, so wait two commit intervals for anything more to appear.
            Thread.sleep(2 * COMMIT_MS);

            Map<String, Integer> counts = ids(seen);
            Map<String, Integer> twice = new TreeMap<>();
            counts.forEach((id, n) -> {
                if (n > 1) {
                    twice.put(id, n);
                }
            });
            assertEquals(Map.of(), twice, "alerts written more than once (killed after " + atKill + " alerts)");
            assertEquals(expected, new TreeSet<>(counts.keySet()), "no alert lost, none invented");
            synchronized (windows) {
                assertEquals(expectedFacility, facility(windows),
                        "facility window -> [persons, masked, unmasked]: each person counted once (killed after " + atKill + " alerts)");
            }
            assertTrue(atKill < expected.size(), "the kill happened mid-stream (" + atKill + " alerts before it)");
        } finally {
            reading.set(false);
            reader.join(10_000);
        }
    }

    /** Latest facility record per window start, as [persons, masked, unmasked]. */
    private static Map<Long, List<Long>> facility(List<ComplianceWindow> log) {
        Map<Long, List<Long>> out = new TreeMap<>();
        for (ComplianceWindow w : log) {
            if (w.cameraId().equals(ComplianceWindow.FACILITY)) {
                out.put(w.windowStartMs(), List.of(w.persons(), w.masked(), w.unmasked()));
            }
        }
        return out;
    }

    private static Map<String, Integer> ids(List<Alert> alerts) {
        Map<String, Integer> out = new HashMap<>();
        synchronized (alerts) {
            for (Alert a : alerts) {
                out.merge(a.alertId(), 1, Integer::sum);
            }
        }
        return out;
    }
}
