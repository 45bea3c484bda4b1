package io.maskwatch.detector.bench;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.maskwatch.common.cli.Args;
import io.maskwatch.detector.CliDetectorOptions;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.analyze.MediaInputs;
import io.maskwatch.detector.eval.ClipVocSet;
import io.maskwatch.detector.frame.Jpeg;
import io.maskwatch.detector.mask.MaskLabeller;
import io.maskwatch.detector.pipeline.FramePipeline;
import io.maskwatch.detector.pipeline.FrameResult;
import io.maskwatch.detector.pipeline.Stage;
import io.maskwatch.detector.pipeline.StageListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Detector throughput without Kafka: JPEG frames (real clip frames with 1-4 faces, scaled to each
 * frame size) through decode, detect, one classifier call per batch and crop/heat-map rendering,
 * exactly as the service runs them. Reports frames/s, faces/s and per-stage p50/p95 latency for
 * each frame size and thread count.
 *
 * <p>{@code run(...)} returns the report (for {@code ./maskwatch bench}); {@link #main} prints it.
 */
public final class DetectorBenchmark {
    /** Frames of ../shared/videos used: clip, frame index (faces: 4,4,4,4,1,1,1,1,1,1). */
    static final List<Object[]> FRAMES = List.of(
            new Object[] {"four-people-masks-on-off", 0}, new Object[] {"four-people-masks-on-off", 100},
            new Object[] {"four-people-masks-on-off", 200}, new Object[] {"four-people-masks-on-off", 300},
            new Object[] {"one-man-no-mask", 0}, new Object[] {"one-man-no-mask", 100},
            new Object[] {"one-person-mask", 0}, new Object[] {"one-person-mask", 100},
            new Object[] {"putting-on-mask", 50}, new Object[] {"putting-on-mask", 200});

    /**
     * @param shared     ../shared (for the clips)
     * @param base       detector settings (backend, tiling, heat maps, ...); threads are varied
     * @param sizes      frame sizes, {width, height}
     * @param threads    inference thread counts to compare
     * @param seconds    measuring time per configuration (after one warm-up batch)
     * @param batchSize  frames per batch (= per classifier call), like detector.poll-batch-size
     */
    public record Options(Path shared, DetectorConfig base, List<int[]> sizes, List<Integer> threads, double seconds,
                          int batchSize) {
        public static Options defaults(Path shared) {
            return new Options(shared, DetectorConfig.defaults(), List.of(new int[] {640, 360}, new int[] {1280, 720}),
                    List.of(1, 2), 20, 8);
        }
    }

    private DetectorBenchmark() {
    }

    /** Runs with {@code maskwatch bench}-style arguments (see {@link #USAGE}); returns the report. */
    public static String run(List<String> argv) throws IOException {
        return measure(argv).text();
    }

    /** As {@link #run(List)}, the numbers rather than their text. */
    public static Report measure(List<String> argv) throws IOException {
        Args a = Args.parse(argv, CliDetectorOptions.withValue("seconds", "sizes", "thread-counts", "batch", "shared"),
                Set.of());
        Options d = Options.defaults(a.has("shared") ? Path.of(a.get("shared")) : ClipVocSet.sharedDir());
        List<int[]> sizes = a.has("sizes") ? Arrays.stream(a.get("sizes").split(",")).map(s -> {
            String[] wh = s.trim().split("x");
            return new int[] {Integer.parseInt(wh[0]), Integer.parseInt(wh[1])};
        }).toList() : d.sizes();
        List<Integer> threads = a.has("thread-counts")
                ? Arrays.stream(a.get("thread-counts").split(",")).map(s -> Integer.parseInt(s.trim())).toList()
                : d.threads();
        return measureAll(new Options(d.shared(), CliDetectorOptions.from(a, System.getenv()), sizes, threads,
                a.doubleValue("seconds", d.seconds()), a.intValue("batch", d.batchSize())), System.err);
    }

    public static final String USAGE = """
            detector benchmark options:
              --seconds S              measuring time per configuration (default 20)
              --sizes WxH,...          frame sizes (default 640x360,1280x720)
              --thread-counts N,...    inference thread counts (default 1,2)
              --batch N                frames per batch / classifier call (default 8)
              --shared DIR             ../shared with the clips
            """ + CliDetectorOptions.USAGE;

    /** A stage's latency percentiles in ms; null fields when the stage never ran. */
    public record Latency(Double p50Ms, Double p95Ms) {
        static Latency of(ConcurrentLinkedQueue<Long> q) {
            long[] v = q.stream().mapToLong(Long::longValue).sorted().toArray();
            if (v.length == 0) {
                return new Latency(null, null);
            }
            return new Latency(v[(int) Math.floor(0.5 * (v.length - 1))] / 1e6, v[(int) Math.floor(0.95 * (v.length - 1))] / 1e6);
        }

        String text() {
            return p50Ms == null ? "-" : String.format(Locale.ROOT, "%.1f/%.1f", p50Ms, p95Ms);
        }

        void json(Map<String, Object> m, String stage) {
            m.put(stage + "_p50_ms", round1(p50Ms));
            m.put(stage + "_p95_ms", round1(p95Ms));
        }
    }

    /** One frame size and thread count. */
    public record Row(int width, int height, int threads, double framesPerSecond, double facesPerSecond, Latency decode,
                      Latency detect, Latency classify, Latency heatmap) {
        public String text() {
            return String.format(Locale.ROOT, "%-9s %7d %8.2f %8.2f %14s %14s %14s %14s", width + "x" + height, threads,
                    framesPerSecond, facesPerSecond, decode.text(), detect.text(), classify.text(), heatmap.text());
        }

        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("frame_width", width);
            m.put("frame_height", height);
            m.put("threads", threads);
            m.put("frames_per_s", round2(framesPerSecond));
            m.put("faces_per_s", round2(facesPerSecond));
            decode.json(m, "decode");
            detect.json(m, "detect");
            classify.json(m, "classify_batch");
            heatmap.json(m, "heatmap_batch");
            return m;
        }
    }

    /** The whole run: the settings in the header line and one row per configuration. */
    public record Report(String backend, String tiling, String heatmaps, String faceCrops, int batchSize, int cpus,
                         double seconds, List<Row> rows) {
        public String text() {
            StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                    "detector benchmark: backend %s, tiling %s, heat maps %s, face crops %s, batch %d, %d CPUs, %.0f s per run%n",
                    backend, tiling, heatmaps, faceCrops, batchSize, cpus, seconds));
            report.append(String.format(Locale.ROOT, "%-9s %7s %8s %8s %14s %14s %14s %14s%n", "frame", "threads",
                    "frames/s", "faces/s", "decode p50/95", "detect p50/95", "classify p50/95", "heatmap p50/95"));
            for (Row r : rows) {
                report.append(r.text()).append('\n');
            }
            report.append("stage latencies in ms: decode and detect per frame, classify and heatmap per batch of "
                    + batchSize + " frames\n");
            return report.toString();
        }

        /** {@code bench --json}'s "detector" object. */
        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("backend", backend);
            m.put("tiling", tiling);
            m.put("heatmaps", heatmaps);
            m.put("face_crops", faceCrops);
            m.put("batch_frames", batchSize);
            m.put("measure_s", seconds);
            m.put("results", rows.stream().map(Row::json).toList());
            return m;
        }
    }

    static Double round1(Double v) {
        return v == null || !Double.isFinite(v) ? null : Math.round(v * 10) / 10.0;
    }

    static Double round2(double v) {
        return Double.isFinite(v) ? Math.round(v * 100) / 100.0 : null;
    }

    public static String run(Options o, PrintStream progress) throws IOException {
        return measureAll(o, progress).text();
    }

    /** Runs every frame size and thread count; the report's text and JSON come from the same numbers. */
    public static Report measureAll(Options o, PrintStream progress) throws IOException {
        List<byte[]> originals = loadFrames(o.shared());
        DetectorConfig b = o.base();
        List<Row> rows = new ArrayList<>();
        for (int[] size : o.sizes()) {
            List<byte[]> frames = scaled(originals, size[0], size[1]);
            for (int t : o.threads()) {
                DetectorConfig c = b.withService(t, o.batchSize(), 0, b.groupId(), 0);
                Row row = measure(c, frames, size, o, progress);
                rows.add(row);
                if (progress != null) {
                    progress.println(row.text());
                }
            }
        }
        return new Report(String.valueOf(b.backend()), b.tiling().activeFor(b.backend()) ? "on (" + b.tiling().tileSize()
                + " px tiles, frames >= " + b.tiling().minFrameSide() + " px)" : "off", b.heatmaps(), b.faceCrops(),
                o.batchSize(), Runtime.getRuntime().availableProcessors(), o.seconds(), rows);
    }

    private static Row measure(DetectorConfig c, List<byte[]> frames, int[] size, Options o, PrintStream progress) {
        Map<Stage, ConcurrentLinkedQueue<Long>> samples = new EnumMap<>(Stage.class);
        for (Stage s : Stage.values()) {
            samples.put(s, new ConcurrentLinkedQueue<>());
        }
        boolean[] recording = {false};
        StageListener listener = (stage, nanos, items) -> {
            if (recording[0]) {
                samples.get(stage).add(nanos);
            }
        };
        MaskLabeller labeller = MaskLabeller.load(c);
        long nFrames = 0, nFaces = 0;
        double elapsed;
        try (FramePipeline p = FramePipeline.create(c, System.getenv(), labeller, listener)) {
            List<byte[]> batch = new ArrayList<>();
            int next = 0;
            p.processEncoded(frames.subList(0, Math.min(frames.size(), o.batchSize()))); // warm-up
            recording[0] = true;
            long t0 = System.nanoTime(), deadline = t0 + (long) (o.seconds() * 1e9);
            do {
                batch.clear();
                for (int i = 0; i < o.batchSize(); i++) {
                    batch.add(frames.get(next++ % frames.size()));
                }
                for (FrameResult r : p.processEncoded(batch)) {
                    nFrames++;
                    nFaces += r.faces().size();
                }
            } while (System.nanoTime() < deadline);
            elapsed = (System.nanoTime() - t0) / 1e9;
        }
        return new Row(size[0], size[1], c.threads(), nFrames / elapsed, nFaces / elapsed,
                Latency.of(samples.get(Stage.DECODE)), Latency.of(samples.get(Stage.DETECT)),
                Latency.of(samples.get(Stage.CLASSIFY)), Latency.of(samples.get(Stage.HEATMAP)));
    }

    static List<byte[]> loadFrames(Path shared) throws IOException {
        Map<String, byte[]> byKey = new ConcurrentHashMap<>();
        for (String clip : FRAMES.stream().map(f -> (String) f[0]).distinct().toList()) {
            Path video = shared.resolve("videos").resolve(clip + ".mp4");
            if (!Files.isRegularFile(video)) {
                throw new IOException("the detector benchmark needs " + video + " (../shared/videos)");
            }
            MediaInputs.readVideo(video, 50, item -> {
                byKey.put(item.source().replace(".mp4", ""), Jpeg.encode(item.image(), 95));
                item.image().close();
            });
        }
        List<byte[]> out = new ArrayList<>();
        for (Object[] f : FRAMES) {
            byte[] j = byKey.get(f[0] + "#" + f[1]);
            if (j == null) {
                throw new IOException("frame " + f[1] + " of " + f[0] + " not found");
            }
            out.add(j);
        }
        return out;
    }

    /** The frames scaled to exactly {@code w x h}, re-encoded as camera-like JPEGs (q85). */
    static List<byte[]> scaled(List<byte[]> originals, int w, int h) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] j : originals) {
            try (Mat m = Jpeg.decode(j); Mat s = new Mat()) {
                resize(m, s, new Size(w, h), 0, 0, INTER_AREA);
                out.add(Jpeg.encode(s, 85));
            }
        }
        return out;
    }

    public static void main(String[] args) throws IOException {
        System.out.print(run(List.of(args)));
    }
}
