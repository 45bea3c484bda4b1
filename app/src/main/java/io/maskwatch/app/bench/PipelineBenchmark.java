package io.maskwatch.app.bench;

import io.maskwatch.app.demo.DemoRun;
import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.serde.EventSerdes;
import io.maskwatch.detector.DetectorConfig;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The whole pipeline on the embedded broker with N simulated cameras (one clip, looped, at the
 * camera's real pace, sampled at 2 fps): the largest N sustained without a growing detector lag,
 * and capture-to-detection / capture-to-alert latency percentiles at a fraction of that N.
 */
public final class PipelineBenchmark {
    /**
     * @param clip      a looping file camera (720p clip)
     * @param counts    camera counts to try, ascending
     * @param warmup    per run, before measuring
     * @param measure   per run
     * @param threads   detector inference threads
     * @param separateProcesses ingest, detector and alerter each in its own JVM (as in production), so
     *                  memory and CPU are measured per service; else all in this JVM (as the demo runs them)
     * @param detectors detector JVMs in one consumer group (separate processes only): replicas vs threads
     */
    public record Options(Path clip, List<Integer> counts, Duration warmup, Duration measure, int threads,
                          double fps, boolean separateProcesses, int detectors) {
        public Options {
            if (detectors < 1 || (detectors > 1 && !separateProcesses)) {
                throw new IllegalArgumentException("detectors must be 1, or more with separate processes; got " + detectors);
            }
        }

        public Options(Path clip, List<Integer> counts, Duration warmup, Duration measure, int threads, double fps,
                       boolean separateProcesses) {
            this(clip, counts, warmup, measure, threads, fps, separateProcesses, 1);
        }

        public Options(Path clip, List<Integer> counts, Duration warmup, Duration measure, int threads, double fps) {
            this(clip, counts, warmup, measure, threads, fps, false);
        }
    }

    /**
     * One service process's resources over the measured window.
     *
     * @param rssMb    largest resident set size sampled (once a second) while measuring
     * @param hwmMb    the kernel's high-water mark since the process started (start-up and model loading included)
     * @param cpuCores CPU time / measured seconds
     * @param heap     the {@code -Xmx} it ran with
     */
    public record ServiceUsage(long rssMb, long hwmMb, double cpuCores, String heap) {
    }

    /** One measured configuration. */
    public record Run(int cameras, double offeredFps, double detectedFps, double lagGrowthPerSecond, long lagAtEnd,
                      Percentiles captureToDetection, Percentiles captureToAlert, long heapUsedMb, long rssMb,
                      long framesDropped, double cpuCores, Map<String, ServiceUsage> services) {
        /** A run of all services in one JVM: {@code rssMb} is that process's. */
        public Run(int cameras, double offeredFps, double detectedFps, double lagGrowthPerSecond, long lagAtEnd,
                   Percentiles captureToDetection, Percentiles captureToAlert, long heapUsedMb, long rssMb,
                   long framesDropped, double cpuCores) {
            this(cameras, offeredFps, detectedFps, lagGrowthPerSecond, lagAtEnd, captureToDetection, captureToAlert,
                    heapUsedMb, rssMb, framesDropped, cpuCores, null);
        }

        Map<String, Object> json(String phase) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("phase", phase);
            m.put("cameras", cameras);
            m.put("offered_fps", round1(offeredFps));
            m.put("detected_fps", round1(detectedFps));
            m.put("sustained", sustained());
            m.put("capture_to_detection_p50_ms", finite(captureToDetection.p50()));
            m.put("capture_to_detection_p95_ms", finite(captureToDetection.p95()));
            m.put("capture_to_alert_p95_ms", finite(captureToAlert.p95()));
            m.put("frames_dropped", framesDropped);
            m.put("detector_lag_at_end", lagAtEnd);
            Map<String, Object> rss = new java.util.LinkedHashMap<>();
            if (services == null) {
                rss.put("ingest", rssMb);
                rss.put("detector", rssMb);
                rss.put("alerter", rssMb);
                m.put("rss_mb", rss);
                m.put("rss_scope", "one JVM runs ingest, detector and alerter: each rss_mb value is that process's RSS");
                m.put("heap_used_mb", heapUsedMb);
            } else {
                Map<String, Object> hwm = new java.util.LinkedHashMap<>();
                Map<String, Object> cpu = new java.util.LinkedHashMap<>();
                Map<String, Object> heap = new java.util.LinkedHashMap<>();
                for (String svc : List.of("ingest", "detector", "alerter")) {
                    ServiceUsage u = services.get(svc);
                    rss.put(svc, u.rssMb());
                    hwm.put(svc, u.hwmMb());
                    cpu.put(svc, Math.round(u.cpuCores() * 100) / 100.0);
                    heap.put(svc, u.heap());
                }
                m.put("rss_mb", rss);
                m.put("rss_scope", "each service in its own JVM: the largest RSS sampled (1/s) while measuring;"
                        + " with several detector replicas, detector is their sum (detector_replicas: each)");
                m.put("rss_hwm_mb", hwm);
                m.put("cpu_cores_by_service", cpu);
                m.put("heap_max", heap);
                List<Map<String, Object>> replicas = new ArrayList<>();
                for (int i = 1; services.containsKey("detector-" + i); i++) {
                    ServiceUsage u = services.get("detector-" + i);
                    Map<String, Object> d = new java.util.LinkedHashMap<>();
                    d.put("rss_mb", u.rssMb());
                    d.put("rss_hwm_mb", u.hwmMb());
                    d.put("cpu_cores", Math.round(u.cpuCores() * 100) / 100.0);
                    replicas.add(d);
                }
                if (!replicas.isEmpty()) {
                    m.put("detector_replicas", replicas);
                }
                // The steady figure on a shared machine: detector CPU per frame it detected.
                m.put("detector_cpu_ms_per_frame", detectedFps > 0
                        ? Math.round(services.get("detector").cpuCores() * 1000 / detectedFps * 10) / 10.0 : null);
            }
            m.put("cpu_cores", Math.round(cpuCores * 100) / 100.0);
            return m;
        }

        private static double round1(double v) {
            return Math.round(v * 10) / 10.0;
        }

        private static Double finite(double v) {
            return Double.isNaN(v) ? null : v;
        }

        boolean sustained() {
            // Not falling behind: lag may wobble by a poll batch, but must not trend upwards.
            return lagGrowthPerSecond < 0.25 && lagAtEnd <= Math.max(8, 2L * cameras);
        }
    }

    public record Percentiles(int count, double p50, double p95, double p99) {
        public static Percentiles of(List<Double> ms) {
            if (ms.isEmpty()) {
                return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN);
            }
            List<Double> s = new ArrayList<>(ms);
            Collections.sort(s);
            return new Percentiles(s.size(), at(s, 0.50), at(s, 0.95), at(s, 0.99));
        }

        private static double at(List<Double> sorted, double q) {
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
        }

        @Override
        public String toString() {
            return count == 0 ? "n/a" : String.format(Locale.ROOT, "%.0f / %.0f / %.0f ms (n=%d)", p50, p95, p99, count);
        }
    }

    private PipelineBenchmark() {
    }

    /** The runs of one benchmark: the camera-count sweep, then the latency runs at 50% and 90% of the largest sustained. */
    public record Result(Options options, List<Run> sweep, int maxSustained, List<Run> latency) {
        /** Markdown, as in docs/BENCHMARKS.md. */
        public String markdown() {
            return PipelineBenchmark.markdown(this);
        }

        /**
         * The schema of {@code bench --json}: one object per run (sweep, then latency runs). All
         * services run in this one JVM, so the three {@code rss_mb} values are the same process RSS
         * ({@code rss_scope} says so) rather than invented per-service numbers.
         */
        public Map<String, Object> json() {
            List<Map<String, Object>> rows = new ArrayList<>();
            sweep.forEach(r -> rows.add(r.json("sweep")));
            latency.forEach(r -> rows.add(r.json("latency")));
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            out.put("clip", options.clip().getFileName().toString());
            out.put("fps_per_camera", options.fps());
            out.put("detector_threads", options.threads());
            out.put("cpus", Runtime.getRuntime().availableProcessors());
            out.put("measure_s", options.measure().toSeconds());
            out.put("separate_processes", options.separateProcesses());
            out.put("detector_replicas", options.detectors());
            Map<String, String> settings = new java.util.TreeMap<>();
            System.getenv().forEach((k, v) -> {
                if (k.startsWith("MASKWATCH_DETECTOR_") && !k.matches(".*(TOKEN|PASSWORD|SECRET|KEY).*")) {
                    settings.put(k, v);
                }
            });
            settings.put("MASKWATCH_DETECTOR_THREADS", String.valueOf(options.threads()));
            out.put("detector_env", settings);
            out.put("max_sustained_cameras", maxSustained);
            out.put("results", rows);
            return out;
        }
    }

    public static String run(Options o, PrintStream progress) throws Exception {
        return measureAll(o, progress).markdown();
    }

    public static Result measureAll(Options o, PrintStream progress) throws Exception {
        List<Run> runs = new ArrayList<>();
        int maxSustained = 0;
        for (int n : o.counts()) {
            progress.printf(Locale.ROOT, "pipeline benchmark: %d camera(s) at %.0f fps ...%n", n, o.fps());
            Run r = measureOne(o, n, progress);
            runs.add(r);
            progress.println("  " + describe(r));
            if (!r.sustained()) {
                break;
            }
            maxSustained = n;
        }
        List<Run> latency = new ArrayList<>();
        if (maxSustained > 0) {
            for (double share : new double[] {0.5, 0.9}) {
                int n = Math.max(1, (int) Math.round(share * maxSustained));
                progress.printf(Locale.ROOT, "pipeline benchmark: latency at %.0f%% of %d = %d camera(s) ...%n",
                        share * 100, maxSustained, n);
                latency.add(measureOne(o, n, progress));
            }
        }
        return new Result(o, runs, maxSustained, latency);
    }

    private static Run measureOne(Options o, int n, PrintStream progress) throws Exception {
        return o.separateProcesses() ? io.maskwatch.app.bench.process.SeparateProcesses.measure(o, n, progress)
                : measure(o, n, progress);
    }

    private static String markdown(Result result) {
        Options o = result.options();
        List<Run> runs = result.sweep();
        List<Run> latency = result.latency();
        int maxSustained = result.maxSustained();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "pipeline benchmark: %s, %.0f fps per camera, detector threads %d, "
                        + "detector replicas %d, %d CPUs, warm-up %d s, measure %d s per run%n%n", o.clip().getFileName(),
                o.fps(), o.threads(), o.detectors(),
                Runtime.getRuntime().availableProcessors(), o.warmup().toSeconds(), o.measure().toSeconds()));
        sb.append("| cameras | offered fps | detected fps | lag growth (frames/s) | lag at end | sustained | "
                + "capture->detection p50/p95/p99 | capture->alert p50/p95/p99 | heap used | RSS |\n");
        sb.append("|---:|---:|---:|---:|---:|:---:|---|---|---:|---:|\n");
        for (Run r : runs) {
            sb.append(row(r));
        }
        if (o.separateProcesses()) {
            sb.append("\nper service (own JVM each; RSS = largest sampled while measuring, HWM = since start):\n\n");
            sb.append("| cameras | service | -Xmx | RSS | HWM | CPU (cores) |\n|---:|---|---:|---:|---:|---:|\n");
            for (Run r : concat(runs, latency)) {
                r.services().forEach((svc, u) -> sb.append(String.format(Locale.ROOT, "| %d | %s | %s | %d MB | %d MB | %.2f |%n",
                        r.cameras(), svc, u.heap(), u.rssMb(), u.hwmMb(), u.cpuCores())));
            }
        }
        sb.append(String.format(Locale.ROOT, "%nlargest sustained camera count: %d%n", maxSustained));
        if (!latency.isEmpty()) {
            sb.append("\nlatency at 50% and 90% of that count:\n\n");
            sb.append("| cameras | offered fps | detected fps | lag growth (frames/s) | lag at end | sustained | "
                    + "capture->detection p50/p95/p99 | capture->alert p50/p95/p99 | heap used | RSS |\n");
            sb.append("|---:|---:|---:|---:|---:|:---:|---|---|---:|---:|\n");
            latency.forEach(r -> sb.append(row(r)));
        }
        return sb.toString();
    }

    private static List<Run> concat(List<Run> a, List<Run> b) {
        List<Run> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String row(Run r) {
        return String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.2f | %d | %s | %s | %s | %d MB | %d MB |%n",
                r.cameras(), r.offeredFps(), r.detectedFps(), r.lagGrowthPerSecond(), r.lagAtEnd(),
                r.sustained() ? "yes" : "no", r.captureToDetection(), r.captureToAlert(), r.heapUsedMb(), r.rssMb());
    }

    private static String describe(Run r) {
        return String.format(Locale.ROOT, "%d cameras: detected %.1f of %.1f fps, lag growth %.2f/s, lag %d, %s",
                r.cameras(), r.detectedFps(), r.offeredFps(), r.lagGrowthPerSecond(), r.lagAtEnd(),
                r.sustained() ? "sustained" : "falling behind");
    }

    static Run measure(Options o, int n, PrintStream progress) throws Exception {
        List<CameraConfig> cameras = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            cameras.add(new CameraConfig("bench-" + i, "Bench " + i, o.clip().toString(), o.fps(), 1280, 85, true,
                    "tcp", true));
        }
        // The caller's detector settings (MASKWATCH_DETECTOR_BACKEND=blazeface, ...) choose what is measured.
        Map<String, String> env = new java.util.HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("MASKWATCH_DETECTOR_")) {
                env.put(k, v);
            }
        });
        env.put("MASKWATCH_DETECTOR_THREADS", String.valueOf(o.threads()));
        // A person who stays is re-alerted every 5 s, so alert latency has samples.
        env.put("MASKWATCH_ALERTER_ALERTS_COOLDOWN_MS", "5000");
        env.put("MASKWATCH_DETECTOR_MAX_FRAME_AGE_MS", "0");
        try (DemoRun run = new DemoRun(new DemoRun.Options(cameras, null, 0, null, env)).printAlerts(false)) {
            run.start(s -> { });
            KafkaSettings kafka = run.kafka();
            String group = DetectorConfig.defaults().groupId();
            Thread.sleep(o.warmup().toMillis());
            try (LiveReader reader = new LiveReader(kafka)) {
                long lag0 = run.lag(group, kafka.topics().frames());
                long produced0 = reader.framesProduced();
                long cpu0 = processCpuNanos();
                long t0 = System.nanoTime();
                reader.collectFor(o.measure());
                double seconds = (System.nanoTime() - t0) / 1e9;
                long cpu1 = processCpuNanos();
                long produced = reader.framesProduced() - produced0;
                long lag1 = run.lag(group, kafka.topics().frames());
                // Samples the cameras should have sent but ingest did not (the detector skips none: max age 0).
                long dropped = Math.max(0, Math.round(n * o.fps() * seconds) - produced);
                Runtime rt = Runtime.getRuntime();
                long heap = (rt.totalMemory() - rt.freeMemory()) >> 20;
                return new Run(n, n * o.fps(), reader.detections / seconds, (lag1 - lag0) / seconds, lag1,
                        Percentiles.of(reader.toDetection), Percentiles.of(reader.toAlert), heap, rssMb(), dropped,
                        cpu1 < 0 ? Double.NaN : (cpu1 - cpu0) / 1e9 / seconds);
            }
        }
    }

    /** CPU time of this whole process (all services), or -1 where the JVM does not tell. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    static long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) >> 10;
                }
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }

    /** Reads detections and alerts as they are committed and measures how old their frames are. */
    public static final class LiveReader implements AutoCloseable {
        final KafkaConsumer<String, byte[]> consumer;
        final KafkaSettings kafka;
        final List<Double> toDetection = new ArrayList<>();
        final List<Double> toAlert = new ArrayList<>();
        long detections;

        public long detections() {
            return detections;
        }

        public List<Double> toDetection() {
            return toDetection;
        }

        public List<Double> toAlert() {
            return toAlert;
        }

        /** Records in the frames topic so far (sum of its partitions' end offsets). */
        public long framesProduced() {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(kafka.topics().frames()).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            return consumer.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        }

        public LiveReader(KafkaSettings kafka) {
            this.kafka = kafka;
            Properties p = ClientConfigs.consumer(kafka, "bench", "bench-reader");
            p.remove("group.id");
            consumer = new KafkaConsumer<>(p);
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : List.of(kafka.topics().detections(), kafka.topics().alerts())) {
                consumer.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            }
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
        }

        public void collectFor(Duration d) {
            long end = System.nanoTime() + d.toNanos();
            while (System.nanoTime() < end) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    long now = System.currentTimeMillis();
                    if (r.topic().equals(kafka.topics().detections())) {
                        DetectionEvent e = EventSerdes.detections().deserialize(r.topic(), r.value());
                        detections++;
                        toDetection.add((double) (e.processedTimestampMs() - e.captureTimestampMs()));
                    } else {
                        Alert a = EventSerdes.alerts().deserialize(r.topic(), r.value());
                        toAlert.add((double) (now - a.timestampMs()));
                    }
                }
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
