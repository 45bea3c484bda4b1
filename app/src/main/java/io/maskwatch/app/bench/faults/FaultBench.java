package io.maskwatch.app.bench.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.FrameMetadata;
import io.maskwatch.common.kafka.ClientConfigs;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * {@code ./maskwatch bench --what faults}: a 3-broker cluster and ingest, two detectors and the alerter
 * as separate JVMs; each scenario runs its own cameras ({@code <scenario>-c<i>}, looping files; RTSP servers looping
 * the same clips for {@code camera-server-kill}), injects
 * one fault under load, heals it, stops the cameras, lets the pipeline drain and counts from the topics:
 * acknowledged frames neither detected nor dead-lettered are lost; the expected alerts are what the
 * alerter's rules make of the detected frames without faults ({@link ExpectedAlerts}).
 */
public final class FaultBench {
    /** Scenarios in priority order (the list). */
    public static final List<String> ALL = List.of("leader-kill", "detector-kill", "alerter-kill", "detector-scale",
            "ingest-kill", "camera-server-kill", "broker-freeze", "poison-frames", "controller-kill", "alerter-state-wipe", "webhook-down");

    public record Options(Path workDir, Path repoRoot, List<Path> clips, int cameras, double fps, boolean shortRun,
                          List<String> scenarios, PrintStream log) {
        public Options {
            for (String s : scenarios) {
                if (!ALL.contains(s)) {
                    throw new IllegalArgumentException("unknown fault scenario '" + s + "'; known: " + String.join(",", ALL));
                }
            }
            clips = List.copyOf(clips);
            scenarios = List.copyOf(scenarios);
        }

        long holdMs() {
            return shortRun ? 8_000 : 20_000;
        }

        long webhookDownMs() {
            return shortRun ? 10_000 : 120_000;
        }
    }

    /** One scenario's figures ({@link #json} writes those of the schema). */
    public record Result(String name, long framesSent, long framesDetected, long framesDeadLettered, long framesLost,
                         int alertsExpected, int alertsSeen, int alertsLost, int alertsDuplicated, int alertsUnexpected,
                         long notifications, long notificationsDuplicated, double recoverySeconds,
                         long framesAfterHeal, String notes) {
        ObjectNode json(ObjectMapper m) {
            ObjectNode n = m.createObjectNode();
            n.put("name", name);
            n.put("frames_sent", framesSent);
            n.put("frames_detected", framesDetected);
            n.put("frames_lost", framesLost);
            n.put("alerts_expected", alertsExpected);
            n.put("alerts_seen", alertsSeen);
            n.put("alerts_lost", alertsLost);
            n.put("alerts_duplicated", alertsDuplicated);
            n.put("notifications_duplicated", notificationsDuplicated);
            n.put("recovery_seconds", Math.round(recoverySeconds * 10) / 10.0);
            return n;
        }
    }

    public record Report(List<Result> results, Map<String, String> notRun) {
        public ObjectNode json() {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode();
            root.put("brokers", BrokerCluster.SIZE);
            ArrayNode arr = root.putArray("scenarios");
            results.forEach(r -> arr.add(r.json(m)));
            ArrayNode nr = root.putArray("not_run");
            notRun.forEach((name, why) -> nr.addObject().put("name", name).put("reason", why));
            return root;
        }

        public String markdown() {
            StringBuilder b = new StringBuilder("""
                    | scenario | frames sent | detected | dead-lettered | lost | alerts expected | seen | lost | duplicated | notifications (dup.) | recovery s |
                    |---|---|---|---|---|---|---|---|---|---|---|
                    """);
            for (Result r : results) {
                b.append(String.format(java.util.Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d (%d) | %.1f |%n",
                        r.name(), r.framesSent(), r.framesDetected(), r.framesDeadLettered(), r.framesLost(), r.alertsExpected(),
                        r.alertsSeen(), r.alertsLost(), r.alertsDuplicated(), r.notifications(), r.notificationsDuplicated(),
                        r.recoverySeconds()));
            }
            results.stream().filter(r -> !r.notes().isEmpty()).forEach(r -> b.append("\n").append(r.name()).append(": ").append(r.notes()));
            notRun.forEach((n, why) -> b.append("\nnot run: ").append(n).append(" (").append(why).append(")"));
            return b.append('\n').toString();
        }
    }

    private final Options o;
    private BrokerCluster cluster;
    private KafkaSettings kafka;
    private WebhookReceiver webhook;
    private Services services;
    private Services.Service alerter;
    private final List<Services.Service> detectors = new ArrayList<>();
    private Ledger ledger;

    private FaultBench(Options o) {
        this.o = o;
    }

    public static Report run(Options o) throws Exception {
        return new FaultBench(o).runAll();
    }

    private void log(String fmt, Object... args) {
        o.log().printf("faults: " + fmt + "%n", args);
        o.log().flush();
    }

    private Report runAll() throws Exception {
        Files.createDirectories(o.workDir());
        List<Result> results = new ArrayList<>();
        Map<String, String> notRun = new LinkedHashMap<>();
        try {
            long t0 = System.currentTimeMillis();
            cluster = BrokerCluster.start(o.workDir().resolve("kafka"), "384m");
            log("3 brokers up at %s in %d ms (logs in %s)", cluster.bootstrapServers(), System.currentTimeMillis() - t0, o.workDir());
            kafka = new KafkaSettings(cluster.bootstrapServers(), Map.of(), KafkaSettings.TopicNames.defaults(), 4, (short) 3, true);
            io.maskwatch.common.kafka.TopicSetup.ensureTopics(kafka);
            webhook = new WebhookReceiver();
            services = new Services(o.workDir(), o.repoRoot(), cluster.bootstrapServers(), webhook.url());
            alerter = services.alerter();
            alerter.jvm().start();
            detectors.add(services.detector(1));
            detectors.add(services.detector(2));
            detectors.forEach(d -> d.jvm().start());
            alerter.awaitReady(180_000);
            for (Services.Service d : detectors) {
                d.awaitReady(240_000);
            }
            ledger = new Ledger(kafka);
            log("alerter and 2 detectors ready after %d s", (System.currentTimeMillis() - t0) / 1000);
            for (String s : o.scenarios()) {
                if (s.equals("camera-server-kill")) {
                    Optional<String> why = RtspCameraServer.unavailable(o.repoRoot(), RtspCameraServer.defaultPythons());
                    if (why.isPresent()) {
                        log("%s not run: %s", s, why.get());
                        notRun.put(s, why.get());
                        continue;
                    }
                }
                try {
                    Result r = scenario(s);
                    results.add(r);
                    log("%s: %s", s, r);
                } catch (Exception e) {
                    log("%s failed: %s", s, e);
                    notRun.put(s, "failed: " + e.getMessage().lines().findFirst().orElse(""));
                    heal();
                }
            }
            for (String s : ALL) {
                if (!o.scenarios().contains(s) && !notRun.containsKey(s)) {
                    notRun.put(s, o.shortRun() ? "not in the short run" : "not selected");
                }
            }
            return new Report(results, notRun);
        } finally {
            if (ledger != null) {
                ledger.close();
            }
            detectors.forEach(d -> d.jvm().kill());
            if (alerter != null) {
                alerter.jvm().kill();
            }
            if (webhook != null) {
                webhook.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    /** Puts everything back as a scenario expects to find it: 3 brokers, 2 detectors, the alerter, the webhook. */
    private void heal() throws Exception {
        for (int n = 1; n <= BrokerCluster.SIZE; n++) {
            ChildJvm b = cluster.broker(n);
            b.resume();
            if (!b.alive()) {
                b.start();
            }
        }
        webhook.up();
        if (!alerter.jvm().alive()) {
            alerter.jvm().start();
        }
        while (detectors.size() > 2) {
            detectors.remove(detectors.size() - 1).jvm().stop();
        }
        for (Services.Service d : detectors) {
            if (!d.jvm().alive()) {
                d.jvm().start();
            }
        }
        cluster.awaitFullIsr(List.copyOf(kafka.topics().all()), 120_000);
        alerter.awaitReady(120_000);
        for (Services.Service d : detectors) {
            d.awaitReady(240_000);
        }
    }

    /** Partition of a camera's records (the producers' default partitioner on the key). */
    private static int partitionOf(String camera, int partitions) {
        return Utils.toPositive(Utils.murmur2(camera.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions;
    }

    private Result scenario(String name) throws Exception {
        String prefix = name;
        log("%s: starting %d cameras", name, o.cameras());
        List<RtspCameraServer> servers = new ArrayList<>();
        Services.Service ingest;
        try {
            ingest = name.equals("camera-server-kill") ? rtspIngest(prefix, servers)
                    : services.ingest("ingest-" + name, prefix, o.clips(), o.cameras(), o.fps());
        } catch (Exception e) {
            closeAll(servers);
            throw e;
        }
        long downSince = System.currentTimeMillis();
        if (name.equals("webhook-down")) {
            // down before the first person appears, so this scenario's notifications all meet the outage
            log("%s: webhook receiver down for %d s", name, o.webhookDownMs() / 1000);
            webhook.down();
        }
        ingest.jvm().start();
        String notes = "";
        long healMs;
        long recoveryFrom;
        try {
            awaitDetection(prefix, 0, 120_000, "the first detections of " + name);
            Thread.sleep(o.shortRun() ? 3_000 : 8_000); // under load
            long injected = System.currentTimeMillis();
            switch (name) {
                case "leader-kill" -> {
                    int node = cluster.leaderOf(kafka.topics().frames(), partitionOf(prefix + "-c0", kafka.partitions()));
                    log("%s: kill -9 broker %d (leads %s-c0's frames partition)", name, node, prefix);
                    cluster.broker(node).kill();
                    Thread.sleep(o.holdMs());
                    cluster.broker(node).start();
                    healMs = System.currentTimeMillis();
                    cluster.awaitFullIsr(List.copyOf(kafka.topics().all()), 120_000);
                }
                case "controller-kill" -> {
                    int node = cluster.activeController();
                    log("%s: kill -9 broker %d (active controller)", name, node);
                    cluster.broker(node).kill();
                    Thread.sleep(o.holdMs());
                    cluster.broker(node).start();
                    healMs = System.currentTimeMillis();
                    cluster.awaitFullIsr(List.copyOf(kafka.topics().all()), 120_000);
                }
                case "broker-freeze" -> {
                    int node = cluster.leaderOf(kafka.topics().frames(), partitionOf(prefix + "-c0", kafka.partitions()));
                    log("%s: SIGSTOP broker %d", name, node);
                    cluster.broker(node).freeze();
                    Thread.sleep(o.holdMs());
                    cluster.broker(node).resume();
                    healMs = System.currentTimeMillis();
                    cluster.awaitFullIsr(List.copyOf(kafka.topics().all()), 120_000);
                }
                case "detector-kill" -> {
                    log("%s: kill -9 detector-1 (pid %d)", name, detectors.get(0).jvm().pid());
                    detectors.get(0).jvm().kill();
                    Thread.sleep(o.holdMs());
                    detectors.get(0).jvm().start();
                    healMs = System.currentTimeMillis();
                    detectors.get(0).awaitReady(240_000);
                }
                case "detector-scale" -> {
                    log("%s: detectors 2 -> 1", name);
                    detectors.get(1).jvm().stop();
                    Thread.sleep(o.holdMs() / 2);
                    log("%s: detectors 1 -> 3", name);
                    detectors.get(1).jvm().start();
                    Services.Service third = services.detector(3);
                    third.jvm().start();
                    detectors.add(third);
                    detectors.get(1).awaitReady(240_000);
                    third.awaitReady(240_000);
                    Thread.sleep(o.holdMs() / 2);
                    log("%s: detectors 3 -> 1", name);
                    detectors.remove(2).jvm().stop();
                    detectors.get(1).jvm().stop();
                    Thread.sleep(o.holdMs() / 2);
                    detectors.get(1).jvm().start();
                    healMs = System.currentTimeMillis();
                    detectors.get(1).awaitReady(240_000);
                }
                case "alerter-kill" -> {
                    log("%s: kill -9 alerter (pid %d)", name, alerter.jvm().pid());
                    alerter.jvm().kill();
                    Thread.sleep(o.holdMs());
                    alerter.jvm().start();
                    healMs = System.currentTimeMillis();
                    alerter.awaitReady(120_000);
                }
                case "alerter-state-wipe" -> {
                    log("%s: kill -9 alerter, delete its state directory", name);
                    alerter.jvm().kill();
                    io.maskwatch.common.io.Directories.deleteRecursively(services.alerterState);
                    Files.createDirectories(services.alerterState);
                    Thread.sleep(o.holdMs() / 2);
                    alerter.jvm().start();
                    healMs = System.currentTimeMillis();
                    alerter.awaitReady(180_000);
                }
                case "ingest-kill" -> {
                    log("%s: kill -9 ingest", name);
                    ingest.jvm().kill();
                    Thread.sleep(o.holdMs());
                    ingest.jvm().start();
                    healMs = System.currentTimeMillis();
                }
                case "camera-server-kill" -> {
                    for (RtspCameraServer s : servers) {
                        log("%s: kill -9 RTSP camera server (pid %d)", name, s.pid());
                        s.kill();
                    }
                    Thread.sleep(o.holdMs());
                    for (RtspCameraServer s : servers) {
                        s.restart();
                    }
                    healMs = System.currentTimeMillis();
                    log("%s: RTSP camera servers back", name);
                }
                case "webhook-down" -> {
                    Thread.sleep(Math.max(0, downSince + o.webhookDownMs() - System.currentTimeMillis()));
                    log("%s: webhook receiver back", name);
                    webhook.up();
                    healMs = System.currentTimeMillis();
                }
                case "poison-frames" -> {
                    healMs = injected;
                    try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(ClientConfigs.producer(kafka, "fault-bench-poison"))) {
                        long seq = 0;
                        for (Map.Entry<String, byte[]> e : Poison.frames().entrySet()) {
                            String cam = prefix + "-poison";
                            ProducerRecord<String, byte[]> r = new ProducerRecord<>(kafka.topics().frames(), cam, e.getValue());
                            FrameMetadata.of(cam, System.currentTimeMillis(), seq++, 64, 48).writeTo(r.headers());
                            p.send(r).get(30, TimeUnit.SECONDS);
                            log("%s: produced %s (%d bytes)", name, e.getKey(), e.getValue().length);
                        }
                    }
                    Thread.sleep(o.holdMs());
                }
                default -> throw new IllegalArgumentException(name);
            }
            recoveryFrom = healMs;
            long first = awaitDetection(prefix, healMs, 180_000, "detections of frames captured after the heal");
            double recovery = (first - recoveryFrom) / 1000.0;
            if (name.startsWith("alerter")) {
                recovery = Math.max(recovery, (System.currentTimeMillis() - healMs) / 1000.0); // ready was awaited above
            }
            if (name.equals("webhook-down")) {
                // until the notifications held back by the outage are delivered (the sinks' backoff is up to 20 s)
                long deadline = System.currentTimeMillis() + 120_000;
                long delivered;
                while ((delivered = webhook.firstDeliverySince(prefix, healMs)) < 0 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                }
                recovery = delivered < 0 ? -1 : (delivered - healMs) / 1000.0;
                if (delivered < 0) {
                    notes = "nothing delivered within 120 s of the receiver coming back";
                }
            }
            Thread.sleep(o.shortRun() ? 5_000 : 15_000); // healed, under load again
            ingest.jvm().stop();
            long stoppedAt = System.currentTimeMillis();
            Ledger.Counts c = drain(prefix);
            long[] notes2 = webhook.counts(prefix);
            TreeSet<String> expected = ExpectedAlerts.of(c.detectionsInOrder());
            int lost = 0;
            for (String id : expected) {
                if (!c.alerts().containsKey(id)) {
                    lost++;
                }
            }
            int dup = c.alerts().values().stream().mapToInt(n -> n - 1).sum();
            int unexpected = (int) c.alerts().keySet().stream().filter(id -> !expected.contains(id)).count();
            if (c.framesLost() > 0) {
                notes += (notes.isEmpty() ? "" : "; ") + "lost frames e.g. " + c.lostSample();
            }
            if (unexpected > 0) {
                notes += (notes.isEmpty() ? "" : "; ") + unexpected + " alerts not in the fault-free replay";
            }
            if (name.equals("camera-server-kill")) {
                // recovery_seconds is the first camera back; every camera must have come back
                for (int i = 0; i < o.cameras(); i++) {
                    if (ledger.framesSince(prefix + "-c" + i, healMs) == 0) {
                        notes += (notes.isEmpty() ? "" : "; ") + prefix + "-c" + i + " sent no frame after its server came back";
                    }
                }
            }
            log("%s: drained %d s after the cameras stopped", name, (System.currentTimeMillis() - stoppedAt) / 1000);
            if (lost + dup + unexpected > 0) {
                log("%s: expected alerts %s, seen %s", name, expected, c.alerts());
            }
            return new Result(name, c.framesSent(), c.framesDetected(), c.framesDeadLettered(), c.framesLost(),
                    expected.size(), c.alerts().size(), lost, dup, unexpected, notes2[0], notes2[1], recovery,
                    ledger.framesSince(prefix, healMs), notes);
        } finally {
            ingest.jvm().kill();
            closeAll(servers);
        }
    }

    /** One RTSP camera server per camera (looping the bench's clips in turn) and an ingest reading them. */
    private Services.Service rtspIngest(String prefix, List<RtspCameraServer> servers) throws Exception {
        String python = RtspCameraServer.findPython(RtspCameraServer.defaultPythons())
                .orElseThrow(() -> new IllegalStateException(RtspCameraServer.INSTALL_HINT));
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < o.cameras(); i++) {
            RtspCameraServer s = RtspCameraServer.start("rtsp-" + prefix + "-c" + i, python, o.repoRoot(),
                    o.clips().get(i % o.clips().size()), o.workDir());
            servers.add(s);
            urls.add(s.url());
        }
        return services.ingestRtsp("ingest-" + prefix, prefix, urls, o.fps());
    }

    private static void closeAll(List<RtspCameraServer> servers) throws InterruptedException {
        for (RtspCameraServer s : servers) {
            s.close();
        }
    }

    /** Waits for a detection of a frame of {@code prefix} captured at or after {@code sinceMs}; returns when it was read. */
    private long awaitDetection(String prefix, long sinceMs, long timeoutMs, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            long t = ledger.firstDetectionSince(prefix, sinceMs);
            if (t >= 0) {
                return t;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("no " + what + " within " + timeoutMs / 1000 + " s (ledger: "
                        + ledger.records() + " records, " + ledger.lastError() + ")");
            }
            Thread.sleep(200);
        }
    }

    /**
     * Waits until every frame of {@code prefix} is detected or dead-lettered (or nothing changed for
     * 60 s), then until the alerts have been quiet for 8 s (tracks end 3 s after the last face).
     */
    private Ledger.Counts drain(String prefix) throws InterruptedException {
        Ledger.Counts c = ledger.counts(prefix);
        long lastChange = System.currentTimeMillis();
        long seen = -1;
        while (c.framesLost() > 0 && System.currentTimeMillis() - lastChange < 60_000) {
            Thread.sleep(500);
            c = ledger.counts(prefix);
            long now = c.framesDetected() + c.framesDeadLettered();
            if (now != seen) {
                seen = now;
                lastChange = System.currentTimeMillis();
            }
        }
        int alerts = -1;
        long quietSince = System.currentTimeMillis();
        while (System.currentTimeMillis() - quietSince < 8_000) {
            Thread.sleep(500);
            c = ledger.counts(prefix);
            int n = c.alerts().values().stream().mapToInt(Integer::intValue).sum();
            if (n != alerts) {
                alerts = n;
                quietSince = System.currentTimeMillis();
            }
        }
        return c;
    }
}
