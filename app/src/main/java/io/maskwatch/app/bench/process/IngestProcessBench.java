package io.maskwatch.app.bench.process;

import io.maskwatch.app.bench.PipelineBenchmark;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.config.MaskWatchConfig;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code bench --what ingest --separate-processes}: the ingest service alone in its own JVM (the
 * launcher's options, {@link ServiceJvm}) with N looping 720p file cameras at 2 fps, producing to an
 * embedded broker in this JVM; its RSS and CPU per camera count, read from /proc. No detector: the
 * ingest numbers of the pipeline benchmark without its cost on shared cores.
 */
public final class IngestProcessBench {
    /** Frames per second each camera is sampled at. */
    static final double FPS = 2.0;

    private IngestProcessBench() {
    }

    /** One camera count: peak RSS while measuring, the kernel's high-water mark, CPU cores, frames/s reaching Kafka. */
    public record Row(int cameras, long rssMb, long hwmMb, double cores, double framesPerSecond) {
        Map<String, Object> json() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("cameras", cameras);
            m.put("rss_mb", rssMb);
            m.put("rss_hwm_mb", hwmMb);
            m.put("cpu_cores", Math.round(cores * 1000) / 1000.0);
            m.put("cpu_cores_per_camera", Math.round(cores / cameras * 10000) / 10000.0);
            m.put("to_kafka_fps", Math.round(framesPerSecond * 10) / 10.0);
            return m;
        }
    }

    /** {@code bench --json}'s "ingest" object for this mode. */
    public static Map<String, Object> json(List<Row> rows) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("mode", "separate_processes");
        m.put("fps_per_camera", FPS);
        m.put("results", rows.stream().map(Row::json).toList());
        return m;
    }

    public static List<Row> run(Path clip, List<Integer> counts, Duration warmup, Duration measure, PrintStream progress)
            throws Exception {
        List<Row> rows = new java.util.ArrayList<>();
        for (int n : counts) {
            rows.add(measure(clip, n, warmup, measure, progress));
        }
        return rows;
    }

    static Row measure(Path clip, int n, Duration warmup, Duration measure, PrintStream progress) throws Exception {
        Path dir = Files.createTempDirectory("maskwatch-bench-ingest-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Files.createDirectories(dir.resolve("kafka")), false)) {
            Path config = dir.resolve("maskwatch.yaml");
            PipelineBenchmark.Options o = new PipelineBenchmark.Options(clip, List.of(n), warmup, measure, 1, FPS, true);
            Files.writeString(config, SeparateProcesses.yaml(o, n, broker.bootstrapServers()));
            Map<String, String> env = new HashMap<>();
            // The caller's ingest settings (MASKWATCH_INGEST_DECODER_THREADS=0, ...) choose what is measured.
            System.getenv().forEach((k, v) -> {
                if (k.startsWith("MASKWATCH_INGEST_")) {
                    env.put(k, v);
                }
            });
            // Extra JVM options for the ingest JVM only, to measure one (e.g. -XX:NativeMemoryTracking=summary).
            String extra = System.getProperty("maskwatch.bench.ingest-jvm-options");
            if (extra != null && !extra.isBlank()) {
                env.put("JAVA_TOOL_OPTIONS", extra);
            }
            String tunables = System.getProperty("maskwatch.bench.ingest-glibc-tunables");
            if (tunables != null && !tunables.isBlank()) {
                env.put("GLIBC_TUNABLES", tunables);
            }
            byte[] b = new byte[16];
            new java.security.SecureRandom().nextBytes(b);
            env.put("MASKWATCH_INGEST_API_TOKEN", java.util.HexFormat.of().formatHex(b));
            env.put("MASKWATCH_INGEST_HTTP_PORT", "0");
            KafkaSettings kafka = MaskWatchConfig.parse(Files.readString(config), env, config.toString()).kafka();
            TopicSetup.ensureTopics(kafka);
            progress.printf(Locale.ROOT, "bench ingest: %d cameras, ingest in its own JVM (%s)%n", n,
                    String.join(" ", ServiceJvm.jvmOptions("ingest")));
            try (ServiceProcess p = ServiceProcess.start("ingest", config, env, dir.resolve("ingest.log"));
                 KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
                consumer.subscribe(List.of(kafka.topics().frames()));
                long end = System.nanoTime() + warmup.toNanos();
                while (System.nanoTime() < end) {
                    poll(consumer, p);
                }
                p.resetPeak();
                double cpu0 = p.cpuSeconds();
                long t0 = System.nanoTime();
                long frames = 0;
                end = t0 + measure.toNanos();
                while (System.nanoTime() < end) {
                    frames += poll(consumer, p);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                Row row = new Row(n, p.peakRssMb(), p.hwmMb(), (p.cpuSeconds() - cpu0) / seconds, frames / seconds);
                progress.printf(Locale.ROOT, "bench ingest: %d cameras: RSS %d MB (HWM %d), %.3f cores, %.1f frames/s%n",
                        n, row.rssMb(), row.hwmMb(), row.cores(), row.framesPerSecond());
                return row;
            } catch (RuntimeException e) {
                progress.println("--- ingest, last lines of its log:\n" + tail(dir.resolve("ingest.log")));
                throw e;
            }
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (Exception ignored) {
                // a temp directory
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }

    private static int poll(KafkaConsumer<byte[], byte[]> consumer, ServiceProcess p) {
        if (!p.alive()) {
            throw new IllegalStateException("ingest exited while measured; its log:\n" + p.tail(30));
        }
        int count = consumer.poll(Duration.ofMillis(1000)).count();
        p.sample();
        return count;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(KafkaSettings kafka) {
        java.util.Properties c = kafka.clientConfig();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "maskwatch-bench-ingest");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The Markdown table of the rows. */
    public static String markdown(List<Row> rows) {
        StringBuilder s = new StringBuilder("| cameras | ingest RSS (HWM) | CPU cores | per camera | frames/s to Kafka |\n")
                .append("|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "| %d | %d (%d) MB | %.3f | %.4f | %.1f |%n", r.cameras(), r.rssMb(),
                    r.hwmMb(), r.cores(), r.cores() / r.cameras(), r.framesPerSecond()));
        }
        return s.toString();
    }
}
