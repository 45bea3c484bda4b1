package io.maskwatch.app.bench.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskwatch.common.config.KafkaSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./maskwatch bench --what soak}: the 3-broker cluster, ingest with N looping file cameras, two
 * detectors and the alerter as separate JVMs for M minutes. Each minute, per service: resident memory,
 * heap used, open files, threads and its consumer group's lag; at the end the least-squares slope of
 * each (per minute). A leak shows as a slope that stays positive however long the run.
 */
public final class SoakBench {
    // heap_committed_mb: the part of RSS the Java heap has claimed (up to -Xmx); RSS minus it is native memory.
    static final List<String> METRICS = List.of("rss_mb", "heap_used_mb", "heap_committed_mb", "open_files", "threads", "lag");

    public record Options(Path workDir, Path repoRoot, List<Path> clips, int cameras, double fps, int minutes, PrintStream log) {
    }

    /** service -> metric -> one sample per minute. */
    public record Report(int cameras, double fps, int minutes, Map<String, Map<String, List<Double>>> samples) {
        public ObjectNode json() {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode();
            root.put("brokers", BrokerCluster.SIZE);
            root.put("cameras", cameras);
            root.put("fps", fps);
            root.put("minutes", minutes);
            ObjectNode svcs = root.putObject("services");
            samples.forEach((svc, metrics) -> {
                ObjectNode s = svcs.putObject(svc);
                metrics.forEach((metric, values) -> {
                    ObjectNode n = s.putObject(metric);
                    values.forEach(n.putArray("samples")::add);
                    n.put("slope_per_minute", Math.round(slope(values) * 1000) / 1000.0);
                });
            });
            return root;
        }

        public String markdown() {
            StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT,
                    "Soak: %d cameras at %s fps, %d minutes; slope per minute (first -> last sample)%n%n| service | %s |%n|---%s|%n",
                    cameras, fps, minutes, String.join(" | ", METRICS), "|---".repeat(METRICS.size())));
            samples.forEach((svc, metrics) -> {
                b.append("| ").append(svc);
                for (String metric : METRICS) {
                    List<Double> v = metrics.get(metric);
                    b.append(v == null || v.isEmpty() ? " | -" : String.format(java.util.Locale.ROOT, " | %+.2f (%.0f -> %.0f)",
                            slope(v), v.get(0), v.get(v.size() - 1)));
                }
                b.append(" |\n");
            });
            return b.toString();
        }
    }

    /** Least-squares slope of values sampled once per minute (units per minute); 0 for fewer than 2. */
    static double slope(List<Double> y) {
        int n = y.size();
        if (n < 2) {
            return 0;
        }
        double mx = (n - 1) / 2.0;
        double my = y.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            num += (i - mx) * (y.get(i) - my);
            den += (i - mx) * (i - mx);
        }
        return num / den;
    }

    private SoakBench() {
    }

    public static Report run(Options o) throws Exception {
        Files.createDirectories(o.workDir());
        try (BrokerCluster cluster = BrokerCluster.start(o.workDir().resolve("kafka"), "384m");
             WebhookReceiver webhook = new WebhookReceiver()) {
            KafkaSettings kafka = new KafkaSettings(cluster.bootstrapServers(), Map.of(), KafkaSettings.TopicNames.defaults(), 4,
                    (short) 3, true);
            io.maskwatch.common.kafka.TopicSetup.ensureTopics(kafka);
            Services services = new Services(o.workDir(), o.repoRoot(), cluster.bootstrapServers(), webhook.url());
            Map<String, Services.Service> svc = new LinkedHashMap<>();
            svc.put("alerter", services.alerter());
            svc.put("detector-1", services.detector(1));
            svc.put("detector-2", services.detector(2));
            svc.values().forEach(s -> s.jvm().start());
            try {
                for (Services.Service s : svc.values()) {
                    s.awaitReady(240_000);
                }
                Services.Service ingest = services.ingest("ingest", "soak", o.clips(), o.cameras(), o.fps());
                svc.put("ingest", ingest);
                ingest.jvm().start();
                ingest.awaitReady(120_000);
                Map<String, Map<String, List<Double>>> samples = new LinkedHashMap<>();
                svc.keySet().forEach(k -> {
                    Map<String, List<Double>> m = new LinkedHashMap<>();
                    METRICS.forEach(x -> m.put(x, new ArrayList<>()));
                    samples.put(k, m);
                });
                long start = System.nanoTime();
                for (int minute = 1; minute <= o.minutes(); minute++) {
                    long due = start + TimeUnit.MINUTES.toNanos(minute);
                    Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime())));
                    for (Map.Entry<String, Services.Service> e : svc.entrySet()) {
                        Services.Service s = e.getValue();
                        if (!s.jvm().alive()) {
                            throw new IllegalStateException(e.getKey() + " died during the soak:\n" + s.jvm().tail(30));
                        }
                        Map<String, List<Double>> m = samples.get(e.getKey());
                        long pid = s.jvm().pid();
                        m.get("rss_mb").add(status(pid, "VmRSS:") / 1024.0);
                        m.get("threads").add((double) status(pid, "Threads:"));
                        m.get("open_files").add((double) openFiles(pid));
                        m.get("heap_used_mb").add(heapBytes(s.httpPort(), "jvm_memory_used_bytes{") / (1024.0 * 1024.0));
                        m.get("heap_committed_mb").add(heapBytes(s.httpPort(), "jvm_memory_committed_bytes{") / (1024.0 * 1024.0));
                        m.get("lag").add((double) lag(cluster, kafka, e.getKey()));
                    }
                    o.log().printf("soak: minute %d/%d %s%n", minute, o.minutes(), last(samples));
                    o.log().flush();
                }
                return new Report(o.cameras(), o.fps(), o.minutes(), samples);
            } finally {
                svc.values().forEach(s -> s.jvm().kill());
            }
        }
    }

    private static String last(Map<String, Map<String, List<Double>>> samples) {
        StringBuilder b = new StringBuilder();
        samples.forEach((svc, m) -> {
            b.append(svc).append('{');
            m.forEach((k, v) -> b.append(k).append('=').append(v.isEmpty() ? "-" : String.format("%.0f", v.get(v.size() - 1))).append(' '));
            b.setLength(b.length() - 1);
            b.append("} ");
        });
        return b.toString();
    }

    /** A kB or count field of /proc/PID/status. */
    static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    static long openFiles(long pid) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return s.count();
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Sum of a JVM memory gauge ({@code jvm_memory_used_bytes{}, ...) over area="heap" from the service's /metrics, or -1. */
    static double heapBytes(int port, String gauge) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .header("Authorization", "Bearer " + Services.API_TOKEN).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            double sum = 0;
            boolean found = false;
            for (String line : r.body().split("\n")) {
                if (line.startsWith(gauge) && line.contains("area=\"heap\"")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    found = true;
                }
            }
            return found ? sum : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Records the service's consumer group has not yet committed: detectors on frames, the alerter on detections. */
    static long lag(BrokerCluster cluster, KafkaSettings kafka, String service) {
        String group = service.startsWith("detector") ? "maskwatch-detector" : service.equals("alerter") ? "maskwatch-alerter" : null;
        if (group == null) {
            return 0;
        }
        try (Admin a = cluster.admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = a.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            String topic = service.equals("alerter") ? kafka.topics().detections() : kafka.topics().frames();
            Map<TopicPartition, OffsetSpec> ask = new LinkedHashMap<>();
            committed.keySet().stream().filter(tp -> tp.topic().equals(topic)).forEach(tp -> ask.put(tp, OffsetSpec.latest()));
            long lag = 0;
            for (var e : a.listOffsets(ask).all().get(10, TimeUnit.SECONDS).entrySet()) {
                lag += Math.max(0, e.getValue().offset() - committed.get(e.getKey()).offset());
            }
            return lag;
        } catch (Exception e) {
            return -1;
        }
    }
}
