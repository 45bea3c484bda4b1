package io.maskwatch.alerter.bench;

import io.maskwatch.alerter.AlerterConfig;
import io.maskwatch.alerter.AlerterService;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.common.observability.ServiceHttpServer;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * What the live view costs (docs/ALERTER.md#live-view): N synthetic cameras at F fps (frames and
 * detections) into an embedded broker, one alerter, and four phases of equal length: live view off,
 * on with nobody watching, one viewer on the camera grid (the page's polling: camera list every 3 s,
 * a grid tile for every camera that sent a new frame), and that viewer plus one full-size MJPEG stream.
 * CPU is measured per thread (CPU time, not wall time, so other load on the machine matters less):
 * the whole process (broker and simulated cameras included), the alerter's threads, and the live
 * view's own (feed and HTTP).
 */
public final class LiveBench {
    private static final String TOKEN = "live-bench-token-0123456789";

    private LiveBench() {
    }

    /**
     * What one run measured: the "off" phases (the first also warms up; the last is the baseline)
     * and the "on" phases, compared with that baseline.
     */
    public record Result(int cameras, double fps, int frameWidth, int frameHeight, long meanFrameKb, int seconds,
                         List<Phase> off, List<Phase> on, String idleFeed, String endFeed) {
        Phase baseline() {
            return off.get(off.size() - 1);
        }

        /** The Markdown table and the notes under it. */
        public String table() {
            StringBuilder s = new StringBuilder("| phase | process CPU (% of one core) | alerter threads | of which live view "
                    + "| alerter threads vs the last 'off' | HTTP served |\n|---|---|---|---|---|---|\n");
            off.forEach(p -> s.append(p.row(null)));
            on.forEach(p -> s.append(p.row(baseline())));
            return s.append("\nalerter threads: Streams, API views, notification loops, live feed, HTTP (names carry the "
                    + "application id or 'alerter-'); the rest of the process is the broker and the simulated cameras.\n")
                    .append("live feed after 'nobody watching': ").append(idleFeed).append("; at the end: ").append(endFeed)
                    .append('\n').toString();
        }

        /** {@code bench --json}'s "live" object. */
        public Map<String, Object> json() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("cameras", cameras);
            m.put("fps_per_camera", fps);
            m.put("frame_width", frameWidth);
            m.put("frame_height", frameHeight);
            m.put("mean_frame_kb", meanFrameKb);
            m.put("phase_s", seconds);
            List<Map<String, Object>> phases = new ArrayList<>();
            off.forEach(p -> phases.add(p.json(null)));
            on.forEach(p -> phases.add(p.json(baseline())));
            m.put("phases", phases);
            m.put("live_feed_idle", idleFeed);
            m.put("live_feed_end", endFeed);
            return m;
        }
    }

    public static Result run(PrintStream out, int seconds, String bootstrapServers, int cameras, double fps) throws Exception {
        KafkaSettings kafka = new KafkaSettings(bootstrapServers, Map.of(), KafkaSettings.TopicNames.defaults(), 2,
                (short) 1, true);
        List<SyntheticCameras.Camera> cams = new ArrayList<>();
        for (int i = 0; i < cameras; i++) {
            FaceLabel l = FaceLabel.values()[i % 3];
            cams.add(new SyntheticCameras.Camera(String.format("cam-%02d", i), l));
        }
        SyntheticCameras synth = new SyntheticCameras(cams, true);
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = new Thread(() -> {
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(ClientConfigs.producer(kafka, "live-bench-cameras"))) {
                long step = (long) (1000 / fps);
                long next = System.currentTimeMillis();
                while (producing.get()) {
                    synth.tick(p, kafka.topics().frames(), kafka.topics().detections(), next);
                    next += step;
                    long sleep = next - System.currentTimeMillis();
                    if (sleep > 0) {
                        Thread.sleep(sleep);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "live-bench-cameras");
        out.printf("live view bench: %d cameras x %.1f fps, %d x %d JPEG frames of %d KB (mean), %d s per phase, "
                        + "%d CPU(s), Java %s%n", cameras, fps, SyntheticCameras.WIDTH, SyntheticCameras.HEIGHT,
                synth.meanFrameBytes() / 1024, seconds, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        producer.setDaemon(true);
        producer.start();
        Path state = Files.createTempDirectory("live-bench-");
        List<Phase> offs = new ArrayList<>();
        List<Phase> on = new ArrayList<>();
        String idleFeed = "-";
        String allFeed = "-";
        try {
            Phase off = null;
            // Off twice, first and last: the first run also warms the JVM and the broker, the last is the baseline.
            boolean[] modes = {false, true, false};
            for (int k = 0; k < modes.length; k++) {
                boolean live = modes[k];
                String appId = "live-bench-" + (live ? "on" : "off") + k;
                AlerterConfig cfg = AlerterConfig.defaults().withApplicationId(appId).withApiToken(TOKEN)
                        .withStateDir(state.resolve(appId).toString()).withHttp("127.0.0.1", 0, null);
                var registry = Metrics.newRegistry("alerter");
                try (ServiceHttpServer http = new ServiceHttpServer("alerter", "127.0.0.1", 0, registry);
                     AlerterService service = new AlerterService(cfg, kafka, List.of(), registry).liveView(live).bind(http)) {
                    http.start();
                    service.start();
                    Thread.sleep(12_000); // topology running and caught up with the backlog, feed assigned, JIT warm
                    if (!live) {
                        off = measure(k == 0 ? "live view off (first: warm-up)" : "live view off", seconds, appId, null, null);
                        continue;
                    }
                    on.add(measure("on, nobody watching", seconds, appId, null, null));
                    idleFeed = feedCounts(registry);
                    on.add(measure("on, 1 viewer on the grid", seconds, appId, http.baseUrl(), null));
                    on.add(measure("on, grid + 1 MJPEG stream", seconds, appId, http.baseUrl(), cams.get(0).id()));
                    offs.add(off);
                    allFeed = feedCounts(registry);
                }
            }
            offs.add(off);
        } finally {
            producing.set(false);
            producer.join(5_000);
            io.maskwatch.common.io.Directories.deleteRecursively(state);
        }
        Result r = new Result(cameras, fps, SyntheticCameras.WIDTH, SyntheticCameras.HEIGHT, synth.meanFrameBytes() / 1024,
                seconds, offs, on, idleFeed, allFeed);
        out.println();
        out.print(r.table());
        return r;
    }

    /** The live feed's counters: frames read live, alert frames read back, records scanned for them. */
    private static String feedCounts(io.micrometer.core.instrument.MeterRegistry r) {
        java.util.function.Function<io.micrometer.core.instrument.search.Search, Long> n = s -> s.counter() == null ? 0
                : (long) s.counter().count();
        return String.format("%d frame records read live, alert frames read back %d (missing %d), %d records scanned for them",
                n.apply(r.find("maskwatch.alerter.live.frames.read")),
                n.apply(r.find("maskwatch.alerter.live.alert.frames").tag("result", "found")),
                n.apply(r.find("maskwatch.alerter.live.alert.frames").tag("result", "missing")),
                n.apply(r.find("maskwatch.alerter.live.alert.frames.scanned")));
    }

    /** One phase: CPU in % of one core, bytes the viewers received over {@code seconds}. */
    public record Phase(String name, double processPct, double alerterPct, double livePct, long httpBytes, int seconds) {
        long httpKbPerSecond() {
            return httpBytes / 1024 / Math.max(1, seconds);
        }

        String row(Phase off) {
            String vs = off == null ? "-" : String.format("%+.0f%%", (alerterPct / off.alerterPct - 1) * 100);
            return "| " + String.join(" | ", name, String.format("%.1f", processPct), String.format("%.1f", alerterPct),
                    String.format("%.1f", livePct), vs, httpKbPerSecond() + " KB/s") + " |\n";
        }

        Map<String, Object> json(Phase off) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("phase", name);
            m.put("process_cpu_cores", Math.round(processPct * 10) / 1000.0);
            m.put("alerter_cpu_cores", Math.round(alerterPct * 10) / 1000.0);
            m.put("live_view_cpu_cores", Math.round(livePct * 10) / 1000.0);
            double vs = off == null ? Double.NaN : (alerterPct / off.alerterPct - 1) * 100;
            m.put("alerter_cpu_vs_off_pct", Double.isFinite(vs) ? (Double) (double) Math.round(vs) : null); // off at 0: no ratio
            m.put("http_served_kb_per_s", httpKbPerSecond());
            return m;
        }
    }

    private static Phase measure(String name, int seconds, String appId, String baseUrl, String streamCamera)
            throws Exception {
        AtomicBoolean viewing = new AtomicBoolean(true);
        AtomicLong bytes = new AtomicLong();
        List<Thread> viewers = new ArrayList<>();
        HttpClient client = HttpClient.newHttpClient();
        if (baseUrl != null) {
            viewers.add(new Thread(() -> grid(client, baseUrl, viewing, bytes), "live-bench-viewer-grid"));
        }
        if (streamCamera != null) {
            viewers.add(new Thread(() -> stream(client, baseUrl, streamCamera, viewing, bytes), "live-bench-viewer-stream"));
        }
        viewers.forEach(Thread::start);
        Thread.sleep(1_000);
        bytes.set(0);
        Map<Long, long[]> before = cpu(appId);
        long processBefore = processCpuNanos();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long wall = System.nanoTime() - t0;
        long processAfter = processCpuNanos();
        Map<Long, long[]> after = cpu(appId);
        long served = bytes.get();
        viewing.set(false);
        for (Thread t : viewers) {
            t.interrupt();
            t.join(5_000);
        }
        long alerter = 0, live = 0;
        for (Map.Entry<Long, long[]> e : after.entrySet()) {
            long[] b = before.get(e.getKey());
            long d = e.getValue()[0] - (b == null ? 0 : b[0]);
            if (e.getValue()[1] > 0) {
                alerter += d;
            }
            if (e.getValue()[2] > 0) {
                live += d;
            }
        }
        return new Phase(name, pct(processAfter - processBefore, wall), pct(alerter, wall), pct(live, wall), served, seconds);
    }

    private static double pct(long cpuNanos, long wallNanos) {
        return 100.0 * cpuNanos / wallNanos;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Thread id → {cpu nanos, 1 if an alerter thread, 1 if a live-view thread}. */
    private static Map<Long, long[]> cpu(String appId) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, long[]> out = new HashMap<>();
        for (ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (ti == null) {
                continue;
            }
            long t = mx.getThreadCpuTime(ti.getThreadId());
            if (t < 0) {
                continue;
            }
            String n = ti.getThreadName();
            boolean live = n.startsWith("alerter-live") || n.startsWith("alerter-http");
            boolean alerter = live || n.contains(appId) || n.startsWith("alerter-");
            out.put(ti.getThreadId(), new long[] {t, alerter ? 1 : 0, live ? 1 : 0});
        }
        return out;
    }

    /** What cameras.html does: the list every 3 s, a small tile for each camera with a new frame. */
    private static void grid(HttpClient client, String base, AtomicBoolean viewing, AtomicLong bytes) {
        Map<String, String> shown = new HashMap<>();
        Pattern cam = Pattern.compile("\"camera_id\":\"([^\"]+)\"[^}]*?\"last_frame_ms\":(\\d+)");
        try {
            while (viewing.get()) {
                String list = client.send(req(base + "/api/cameras"), HttpResponse.BodyHandlers.ofString()).body();
                bytes.addAndGet(list.length());
                Matcher m = cam.matcher(list);
                while (m.find()) {
                    if (!m.group(2).equals(shown.get(m.group(1)))) {
                        shown.put(m.group(1), m.group(2));
                        byte[] img = client.send(req(base + "/api/cameras/" + m.group(1) + "/snapshot.jpg?size=small&frame="
                                + m.group(2)), HttpResponse.BodyHandlers.ofByteArray()).body();
                        bytes.addAndGet(img.length);
                    }
                }
                Thread.sleep(3_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (viewing.get()) {
                throw new IllegalStateException("grid viewer failed", e);
            }
        }
    }

    private static void stream(HttpClient client, String base, String camera, AtomicBoolean viewing, AtomicLong bytes) {
        try {
            HttpResponse<InputStream> r = client.send(req(base + "/api/cameras/" + camera + "/stream.mjpeg"),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while (viewing.get() && (n = in.read(buf)) >= 0) {
                    bytes.addAndGet(n);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (viewing.get()) {
                throw new IllegalStateException("stream viewer failed", e);
            }
        }
    }

    private static HttpRequest req(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN).build();
    }
}
