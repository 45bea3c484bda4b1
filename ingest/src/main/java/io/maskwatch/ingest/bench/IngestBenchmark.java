package io.maskwatch.ingest.bench;

import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.ingest.IngestService;
import io.maskwatch.ingest.IngestSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.bytedeco.javacv.FFmpegFrameGrabber;

/**
 * How many frames one ingest worker sustains: N file-backed cameras of the same clip, decoded,
 * scaled, JPEG-encoded and produced to Kafka (the {@code bench} command starts an embedded broker in
 * this JVM; this module does not carry the broker).
 *
 * <p>Two loads per camera count: <b>max</b> (files read as fast as decoding allows, every frame
 * sampled: the worker's ceiling) and <b>live</b> (files paced at their native rate and sampled at
 * 2 fps, as real cameras are). CPU is the CPU time of the ingest threads only (camera threads,
 * publisher, Kafka producer I/O), not of the embedded broker.
 *
 * <p>{@code ./maskwatch bench --what ingest}, or {@code java ... io.maskwatch.ingest.bench.IngestBenchmark
 * --bootstrap HOST:PORT [--clip FILE] [--cameras 1,4,16] [--seconds 15] [--max-width 960]} against a scratch broker.
 */
public final class IngestBenchmark {
    private IngestBenchmark() {
    }

    /** One measured configuration. */
    public record Result(String load, int cameras, double seconds, long grabbed, long sent, long bytes,
                         double ingestCpuSeconds) {
        public double sentPerSecond() {
            return sent / seconds;
        }

        public double grabbedPerSecond() {
            return grabbed / seconds;
        }

        /** CPU cores busy with ingest. */
        public double cores() {
            return ingestCpuSeconds / seconds;
        }

        /** CPU milliseconds per frame sent (decode of the unsent frames included). */
        public double cpuMsPerSentFrame() {
            return sent == 0 ? Double.NaN : ingestCpuSeconds * 1000 / sent;
        }

        /** One entry of {@code bench --json}'s "ingest" results. */
        public Map<String, Object> json() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("load", load);
            m.put("cameras", cameras);
            m.put("measured_s", round(seconds, 1));
            m.put("sent_fps", round(sentPerSecond(), 1));
            m.put("sent_fps_per_camera", round(sentPerSecond() / cameras, 2));
            m.put("decoded_fps", round(grabbedPerSecond(), 1));
            m.put("to_kafka_mb_per_s", round(bytes / seconds / 1e6, 2));
            m.put("cpu_cores", round(cores(), 3));
            m.put("cpu_ms_per_sent_frame", round(cpuMsPerSentFrame(), 1));
            return m;
        }
    }

    /** A whole run: what the Markdown report and {@code bench --json} are made from. */
    public record Report(String clip, int maxWidth, String jpegEncoder, List<Result> results) {
        public String markdown() {
            return report(clip, maxWidth, jpegEncoder, results);
        }

        public Map<String, Object> json() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("mode", "in_process");
            m.put("clip", clip);
            m.put("max_width_px", maxWidth);
            m.put("jpeg_encoder", jpegEncoder);
            m.put("results", results.stream().map(Result::json).toList());
            return m;
        }
    }

    /** Rounded for JSON; NaN and infinities (nothing sent) become null. */
    static Double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Double.isFinite(v) ? Math.round(v * f) / f : null;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        Path clip = a.containsKey("clip") ? Path.of(a.get("clip")) : defaultClip();
        List<Integer> counts = a.containsKey("cameras")
                ? java.util.Arrays.stream(a.get("cameras").split(",")).map(String::trim).map(Integer::parseInt).toList()
                : List.of(1, 4, 16);
        Duration seconds = Duration.ofSeconds(Long.parseLong(a.getOrDefault("seconds", "15")));
        int maxWidth = Integer.parseInt(a.getOrDefault("max-width", "960"));
        if (!a.containsKey("bootstrap")) {
            System.err.println("usage: IngestBenchmark --bootstrap HOST:PORT [--clip FILE] [--cameras 1,4,16] [--seconds 15]"
                    + " [--max-width 960]  (or ./maskwatch bench --what ingest, which starts its own broker)");
            System.exit(2);
        }
        System.out.println(run(a.get("bootstrap"), clip, counts, seconds, maxWidth, System.err));
        System.exit(0);
    }

    /** ../shared/videos/one-man-no-mask.mp4 (1280x720) as the project's tests find it. */
    public static Path defaultClip() {
        String shared = System.getProperty("maskwatch.shared.dir", System.getenv("MASKWATCH_SHARED_DIR"));
        if (shared == null) {
            shared = Path.of(System.getProperty("maskwatch.home", "."), "..", "shared").normalize().toString();
        }
        Path p = Path.of(shared, "videos", "one-man-no-mask.mp4");
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("benchmark clip " + p.toAbsolutePath()
                    + " not found; pass --clip FILE (a 720p H.264 clip) or set MASKWATCH_SHARED_DIR");
        }
        return p;
    }

    /**
     * Runs every configuration and returns a Markdown report.
     *
     * @param bootstrapServers the broker the frames go to (topics are created if missing)
     * @param progress         where to print progress (one line per run)
     */
    public static String run(String bootstrapServers, Path clip, List<Integer> cameraCounts, Duration measure,
                             int maxWidth, PrintStream progress) throws Exception {
        return measureAll(bootstrapServers, clip, cameraCounts, measure, maxWidth, progress).markdown();
    }

    /** As {@link #run}, the numbers rather than their Markdown. */
    public static Report measureAll(String bootstrapServers, Path clip, List<Integer> cameraCounts, Duration measure,
                                    int maxWidth, PrintStream progress) throws Exception {
        String clipInfo = describe(clip);
        List<Result> results = new ArrayList<>();
        KafkaSettings kafka = KafkaSettings.defaults().withBootstrapServers(bootstrapServers);
        TopicSetup.ensureTopics(kafka);
        progress.println("ingest benchmark: warming up (JIT, native libraries) ...");
        measure(kafka, clip, "max", 1, maxWidth, Duration.ofSeconds(3), Duration.ofSeconds(5));
        for (String load : List.of("max", "live")) {
            for (int n : cameraCounts) {
                progress.printf(Locale.ROOT, "ingest benchmark: %s load, %d camera(s), %d s ...%n", load, n,
                        measure.toSeconds());
                Result r = measure(kafka, clip, load, n, maxWidth, Duration.ofSeconds(4), measure);
                progress.printf(Locale.ROOT, "  -> %.1f frames/s sent, %.2f cores%n", r.sentPerSecond(),
                        r.cores());
                results.add(r);
            }
        }
        return new Report(clipInfo, maxWidth, jpegEncoder(), results);
    }

    static Result measure(KafkaSettings kafka, Path clip, String load, int cameras, int maxWidth, Duration warmup,
                          Duration measure) throws Exception {
        boolean max = load.equals("max");
        double fps = max ? 60 : 2; // max: every frame of a <= 60 fps clip is sampled
        List<CameraConfig> list = IntStream.range(0, cameras)
                .mapToObj(i -> new CameraConfig("bench-" + load + "-" + cameras + "-" + i, null, clip.toString(), fps,
                        maxWidth, 85, true, "tcp", true))
                .toList();
        IngestSettings settings = IngestSettings.defaults().toBuilder().httpPort(0).fileRealtime(!max)
                .queueCapacity(8).jpegEncoder(jpegEncoder()).build();
        MeterRegistry registry = new SimpleMeterRegistry();
        try (IngestService service = new IngestService(settings, list, kafka, registry)) {
            service.start();
            Thread.sleep(warmup.toMillis());
            long g0 = count(registry, "maskwatch.ingest.frames.grabbed");
            long s0 = count(registry, "maskwatch.ingest.frames.sent");
            long b0 = count(registry, "maskwatch.ingest.bytes.sent");
            long c0 = ingestCpuNanos();
            long t0 = System.nanoTime();
            Thread.sleep(measure.toMillis());
            long t1 = System.nanoTime();
            long c1 = ingestCpuNanos();
            return new Result(load, cameras, (t1 - t0) / 1e9, count(registry, "maskwatch.ingest.frames.grabbed") - g0,
                    count(registry, "maskwatch.ingest.frames.sent") - s0,
                    count(registry, "maskwatch.ingest.bytes.sent") - b0, (c1 - c0) / 1e9);
        }
    }

    /** {@code -Dmaskwatch.bench.ingest-jpeg-encoder=opencv} (via MASKWATCH_JAVA_OPTS) compares the encoders. */
    static String jpegEncoder() {
        return System.getProperty("maskwatch.bench.ingest-jpeg-encoder", IngestSettings.defaults().jpegEncoder());
    }

    private static long count(MeterRegistry registry, String name) {
        return (long) registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    /** CPU time of the threads that do ingest work (camera threads, publisher, producer I/O). */
    static long ingestCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (var info : mx.dumpAllThreads(false, false)) {
            String n = info.getThreadName();
            if (n.startsWith("ingest-") || n.contains("maskwatch-ingest")) {
                long cpu = mx.getThreadCpuTime(info.getThreadId());
                if (cpu > 0) {
                    total += cpu;
                }
            }
        }
        return total;
    }

    private static String describe(Path clip) {
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(clip.toString())) {
            g.start();
            return String.format(Locale.ROOT, "%s (%dx%d %s, %.1f fps)", clip.getFileName(), g.getImageWidth(),
                    g.getImageHeight(), g.getVideoCodecName(), g.getFrameRate());
        } catch (Exception e) {
            return clip.getFileName().toString();
        }
    }

    static String report(String clip, int maxWidth, String jpegEncoder, List<Result> results) {
        var os = ManagementFactory.getOperatingSystemMXBean();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Ingest benchmark: %s, scaled to max-width %d, JPEG q85 (%s encoder), "
                        + "produced to an embedded broker.%nMachine: %d CPUs visible to the JVM, load average %.2f at the end, %s %s.%n%n",
                clip, maxWidth, jpegEncoder, os.getAvailableProcessors(), os.getSystemLoadAverage(), System.getProperty("os.arch"),
                System.getProperty("java.vm.name")));
        sb.append("| load | cameras | frames/s sent | per camera | frames/s decoded | MB/s to Kafka "
                + "| ingest CPU (cores) | CPU ms per sent frame |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.2f | %.1f | %.2f | %.2f | %.1f |%n",
                    r.load(), r.cameras(), r.sentPerSecond(), r.sentPerSecond() / r.cameras(),
                    r.grabbedPerSecond(), r.bytes() / r.seconds() / 1e6, r.cores(), r.cpuMsPerSentFrame()));
        }
        sb.append("\nmax: files decoded as fast as possible, every frame encoded and sent (the worker's ceiling).\n"
                + "live: files at their native rate, sampled at 2 fps per camera (CPU per camera at a realistic rate;\n"
                + "decoding every frame of the 25 fps stream dominates).\n");
        return sb.toString();
    }
}
