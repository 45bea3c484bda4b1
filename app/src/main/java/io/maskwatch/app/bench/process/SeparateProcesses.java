package io.maskwatch.app.bench.process;

import io.maskwatch.app.bench.PipelineBenchmark;
import io.maskwatch.app.bench.PipelineBenchmark.Options;
import io.maskwatch.app.bench.PipelineBenchmark.Percentiles;
import io.maskwatch.app.bench.PipelineBenchmark.Run;
import io.maskwatch.app.bench.PipelineBenchmark.ServiceUsage;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.config.MaskWatchConfig;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One run of the pipeline benchmark as production runs it: an embedded broker in this JVM and
 * ingest, detector and alerter each in a JVM of its own ({@link ServiceProcess}), whose resident
 * memory and CPU time are sampled from /proc once a second.
 */
public final class SeparateProcesses {
    /** Detector consumer group (the default; the benchmark does not change it). */
    private static final String DETECTOR_GROUP = "maskwatch-detector";

    private SeparateProcesses() {
    }

    public static Run measure(Options o, int n, PrintStream progress) throws Exception {
        Path dir = Files.createTempDirectory("maskwatch-bench-processes-");
        List<ServiceProcess> procs = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Files.createDirectories(dir.resolve("kafka")), false)) {
            Path config = dir.resolve("maskwatch.yaml");
            Files.writeString(config, yaml(o, n, broker.bootstrapServers()));
            Map<String, String> env = childEnv(o, dir);
            KafkaSettings kafka = MaskWatchConfig.parse(Files.readString(config), env, config.toString()).kafka();
            TopicSetup.ensureTopics(kafka);
            for (String service : ServiceJvm.SERVICES) {
                // Detector replicas join one consumer group and share the frames topic's partitions.
                int copies = "detector".equals(service) ? o.detectors() : 1;
                for (int i = 1; i <= copies; i++) {
                    String log = copies == 1 ? service + ".log" : service + "-" + i + ".log";
                    procs.add(ServiceProcess.start(service, config, env, dir.resolve(log)));
                }
            }
            try (Admin admin = Admin.create(kafka.clientConfig())) {
                try (PipelineBenchmark.LiveReader first = new PipelineBenchmark.LiveReader(kafka)) {
                    awaitFirstDetection(first, procs, Duration.ofMinutes(3));
                }
                sampleFor(procs, o.warmup());
                procs.forEach(ServiceProcess::resetPeak);
                // A reader from now on: it starts at the end of the topics, so the warm-up's backlog is not counted.
                try (PipelineBenchmark.LiveReader reader = new PipelineBenchmark.LiveReader(kafka)) {
                    long lag0 = lag(admin, kafka.topics().frames());
                    long produced0 = reader.framesProduced();
                    List<Double> cpu0 = cpu(procs);
                    long t0 = System.nanoTime();
                    long end = t0 + o.measure().toNanos();
                    while (System.nanoTime() < end) {
                        reader.collectFor(Duration.ofMillis(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000))));
                        sample(procs);
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    List<Double> cpu1 = cpu(procs);
                    long produced = reader.framesProduced() - produced0;
                    long lag1 = lag(admin, kafka.topics().frames());
                    long dropped = Math.max(0, Math.round(n * o.fps() * seconds) - produced);
                    Map<String, ServiceUsage> usage = new LinkedHashMap<>();
                    List<ServiceUsage> replicas = new ArrayList<>();
                    double total = 0;
                    for (int i = 0; i < procs.size(); i++) {
                        ServiceProcess p = procs.get(i);
                        double cores = (cpu1.get(i) - cpu0.get(i)) / seconds;
                        total += cores;
                        ServiceUsage u = new ServiceUsage(p.peakRssMb(), p.hwmMb(), cores, ServiceJvm.HEAP.get(p.service()));
                        // Several replicas: the service's figures are their sums (peaks summed: an upper bound).
                        usage.merge(p.service(), u, (a, b) -> new ServiceUsage(a.rssMb() + b.rssMb(),
                                a.hwmMb() + b.hwmMb(), a.cpuCores() + b.cpuCores(), a.heap()));
                        if ("detector".equals(p.service())) {
                            replicas.add(u);
                        }
                    }
                    if (replicas.size() > 1) {
                        for (int i = 0; i < replicas.size(); i++) {
                            usage.put("detector-" + (i + 1), replicas.get(i));
                        }
                    }
                    return new Run(n, n * o.fps(), reader.detections() / seconds, (lag1 - lag0) / seconds, lag1,
                            Percentiles.of(reader.toDetection()), Percentiles.of(reader.toAlert()), -1,
                            usage.values().stream().mapToLong(ServiceUsage::rssMb).sum(), dropped, total, usage);
                }
            } catch (RuntimeException | Error e) {
                for (ServiceProcess p : procs) {
                    progress.printf("--- %s (pid %d, %s), last lines:%n%s%n", p.service(), p.pid(),
                            p.alive() ? "running" : "exited", p.tail(15));
                }
                throw e;
            } finally {
                // Ingest first, so nothing is left half-sent; then the others.
                for (int i = procs.size() - 1; i >= 0; i--) {
                    procs.get(i).close();
                }
            }
        } finally {
            deleteQuietly(dir);
        }
    }

    /** The services' configuration: the benchmark's file cameras and the embedded broker. */
    static String yaml(Options o, int n, String bootstrap) {
        StringBuilder y = new StringBuilder();
        y.append("kafka:\n  bootstrap-servers: ").append(bootstrap).append("\n  partitions: ")
                .append(Math.max(4, n)).append('\n');
        y.append("cameras:\n");
        for (int i = 1; i <= n; i++) {
            y.append(String.format(Locale.ROOT, "  - id: bench-%d%n    name: Bench %d%n    url: '%s'%n    fps: %s%n"
                    + "    max-width: 1280%n    jpeg-quality: 85%n    loop: true%n", i, i,
                    o.clip().toAbsolutePath().toString().replace("'", "''"), o.fps()));
        }
        return y.toString();
    }

    private static Map<String, String> childEnv(Options o, Path dir) {
        Map<String, String> env = new HashMap<>();
        // The caller's detector settings (MASKWATCH_DETECTOR_BACKEND=blazeface, ...) choose what is measured.
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("MASKWATCH_DETECTOR_")) {
                env.put(k, v);
            }
        });
        // --threads (default 1) sets the inference threads, as in the one-JVM run.
        env.put("MASKWATCH_DETECTOR_THREADS", String.valueOf(o.threads()));
        env.put("MASKWATCH_DETECTOR_MAX_FRAME_AGE_MS", "0");
        env.put("MASKWATCH_ALERTER_ALERTS_COOLDOWN_MS", "5000");
        env.put("MASKWATCH_ALERTER_STATE_DIR", dir.resolve("alerter-state").toString());
        byte[] b = new byte[16];
        new java.security.SecureRandom().nextBytes(b);
        env.put("MASKWATCH_ALERTER_API_TOKEN", java.util.HexFormat.of().formatHex(b));
        // ingest and detector refuse to start without their /metrics token
        new java.security.SecureRandom().nextBytes(b);
        String metricsToken = java.util.HexFormat.of().formatHex(b);
        env.put("MASKWATCH_INGEST_API_TOKEN", metricsToken);
        env.put("MASKWATCH_DETECTOR_API_TOKEN", metricsToken);
        for (String s : List.of("INGEST", "DETECTOR", "ALERTER")) {
            env.put("MASKWATCH_" + s + "_HTTP_PORT", "0");
        }
        return env;
    }

    private static void awaitFirstDetection(PipelineBenchmark.LiveReader reader, List<ServiceProcess> procs,
                                            Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (reader.detections() == 0) {
            for (ServiceProcess p : procs) {
                if (!p.alive()) {
                    throw new IllegalStateException(p.service() + " exited during start-up; its log:\n" + p.tail(30));
                }
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("no detection within " + timeout.toSeconds() + " s of start");
            }
            reader.collectFor(Duration.ofMillis(500));
        }
    }

    private static void sampleFor(List<ServiceProcess> procs, Duration d) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            sample(procs);
            Thread.sleep(1000);
        }
    }

    private static void sample(List<ServiceProcess> procs) {
        for (ServiceProcess p : procs) {
            if (!p.alive()) {
                throw new IllegalStateException(p.service() + " exited while measured; its log:\n" + p.tail(30));
            }
            p.sample();
        }
    }

    private static List<Double> cpu(List<ServiceProcess> procs) {
        return procs.stream().map(ServiceProcess::cpuSeconds).toList();
    }

    /** Frames not yet committed by the detector group (end offsets minus committed offsets). */
    private static long lag(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(DETECTOR_GROUP).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        var parts = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
                .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        parts.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        long lag = 0;
        for (TopicPartition tp : parts) {
            OffsetAndMetadata c = committed.get(tp);
            lag += ends.get(tp).offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    private static void deleteQuietly(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temp directory
        }
    }
}
