package io.maskwatch.app;

import io.maskwatch.app.bench.BenchJson;
import io.maskwatch.app.bench.PipelineBenchmark;
import io.maskwatch.alerter.bench.AlerterBench;
import io.maskwatch.common.cli.Args;
import io.maskwatch.common.cli.Command;
import io.maskwatch.detector.bench.DetectorBenchmark;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import io.maskwatch.app.bench.process.IngestProcessBench;
import io.maskwatch.ingest.bench.IngestBenchmark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** {@code ./maskwatch bench}: the benchmarks behind docs/BENCHMARKS.md, as Markdown on stdout. */
public final class BenchCommand implements Command {
    @Override
    public String summary() {
        return "benchmarks: detector alone, whole pipeline, ingest, alerter, live view (Markdown report)";
    }

    @Override
    public String usage() {
        return """
                usage: ./maskwatch bench [--what detector,pipeline,ingest,alerter,live] [--seconds S] [--out FILE]
                                         [--cameras 1,2,3,4,6,8] [--threads N] [--clip FILE] [--json FILE]
                                         [--separate-processes [--detectors N]] [--warmup S] [--substream]
                       ./maskwatch bench --what faults [--short] [--scenarios A,B] [--cameras N] [--json FILE]
                       ./maskwatch bench --what soak [--minutes N] [--cameras N] [--fps X] [--json FILE]

                  --what      which benchmarks (default detector,pipeline); live: the alerter's live view at 20 cameras
                  --seconds   measuring time per configuration (default 20)
                  --cameras   camera counts the pipeline benchmark tries, ascending, 1..32 (default 1,2,3,4,6,8)
                  --threads   detector inference threads in the pipeline benchmark (default: the detector's, 2)
                  --clip      720p clip for ingest/pipeline (default ../shared/videos/one-man-no-mask.mp4)
                  --substream ingest/pipeline: the cameras send a 640x360 re-encode of the clip, as a camera's
                              low-resolution substream (substream-url) would (made once into the temp dir)
                  --warmup    ingest/pipeline: seconds before each measurement (default 15; a longer one lets
                              the start-up backlog drain before latencies are counted)
                  --out       also append the report to FILE
                  --json      write the results to FILE as one JSON object (docs/BENCHMARKS.md): the pipeline's
                              fields at the top level, then "detector", "ingest", "alerter", "live", "machine";
                              faults and soak write their own
                  --separate-processes  pipeline: ingest, detector and alerter each in its own JVM, as in
                              production, with RSS and CPU per service (default: all in this JVM);
                              ingest: the ingest service alone in its own JVM, RSS and CPU at
                              --cameras (default 4,10,20)
                  --detectors pipeline with --separate-processes: detector JVMs in one consumer group
                              (default 1); their RSS and CPU summed and per replica. Detector settings
                              come from MASKWATCH_DETECTOR_* in the environment (e.g. _OPENCV_THREADS)
                  --short     faults: the short variant (4 scenarios, 8 s faults; the one mvn verify runs)
                  --scenarios faults: which scenarios, comma-separated (default all; docs/RELIABILITY.md)
                  --minutes   soak: how long (default 30)
                  --fps       soak: frames per second per camera (default 2)
                faults and soak run 3 Kafka brokers and the services as separate JVMs; --cameras is one
                number there (faults default 2, soak default 20).
                Progress goes to stderr. The machine matters: say which one next to the numbers.
                """;
    }

    /** Camera counts for the pipeline benchmark: ascending, each 1..32. */
    static List<Integer> cameraCounts(String list) {
        List<Integer> counts = new ArrayList<>();
        for (String c : list.split(",")) {
            int n;
            try {
                n = Integer.parseInt(c.trim());
            } catch (NumberFormatException e) {
                throw new Args.UsageException("--cameras takes numbers like 1,2,4,8; '" + c.trim() + "' is not one");
            }
            if (n < 1 || n > MAX_CAMERAS) {
                throw new Args.UsageException("--cameras: each count must be 1.." + MAX_CAMERAS + ", got " + n);
            }
            if (!counts.isEmpty() && n <= counts.get(counts.size() - 1)) {
                throw new Args.UsageException("--cameras must be ascending (the sweep stops at the first count not sustained), got "
                        + list);
            }
            counts.add(n);
        }
        return counts;
    }

    /** The targets {@code --what} may list with each other (faults and soak run alone). */
    static final List<String> TARGETS = List.of("detector", "pipeline", "ingest", "alerter", "live");

    /** Every name in {@code --what} is a benchmark, each at most once. */
    static void targets(List<String> what) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String w : what) {
            if (!TARGETS.contains(w.trim())) {
                throw new Args.UsageException("unknown benchmark '" + w.trim() + "'; --what takes " + String.join(",", TARGETS)
                        + ", or faults or soak alone");
            }
            if (!seen.add(w.trim())) {
                throw new Args.UsageException("--what lists '" + w.trim() + "' twice");
            }
        }
    }

    /** {@code --detectors N}: replicas only exist as separate processes. */
    static int detectors(Args args) {
        int n = args.intValue("detectors", 1);
        if (n < 1 || n > 8) {
            throw new Args.UsageException("--detectors: 1..8 detector JVMs, got " + n);
        }
        if (n > 1 && !args.has("separate-processes")) {
            throw new Args.UsageException("--detectors " + n + " needs --separate-processes (replicas are JVMs of their own)");
        }
        return n;
    }

    /** Simulated cameras share this process's cores; beyond 32 the broker and JVM, not the detector, are measured. */
    static final int MAX_CAMERAS = 32;

    @Override
    public int run(List<String> argv) throws Exception {
        Args args = Args.parse(argv, Set.of("what", "seconds", "out", "cameras", "threads", "clip", "json", "scenarios",
                "minutes", "fps", "detectors", "warmup"), Set.of("short", "separate-processes", "substream"));
        List<String> what = Arrays.asList(args.get("what", "detector,pipeline").split(","));
        if (what.size() == 1 && (what.get(0).trim().equals("faults") || what.get(0).trim().equals("soak"))) {
            return io.maskwatch.app.bench.faults.FaultsCommand.run(what.get(0).trim(), args);
        }
        if (what.stream().anyMatch(w -> w.trim().equals("faults") || w.trim().equals("soak"))) {
            throw new Args.UsageException("--what faults and --what soak run alone (each starts its own 3-broker cluster)");
        }
        targets(what); // an unknown name fails now, not after an hour of other benchmarks
        Path jsonFile = args.has("json") ? Path.of(args.get("json")) : null;
        BenchJson json = new BenchJson();
        if (args.has("cameras")) {
            cameraCounts(args.get("cameras")); // bad counts fail now, not after the detector benchmark
        }
        detectors(args);
        int seconds = args.intValue("seconds", 20);
        Path clip = args.has("clip") ? Path.of(args.get("clip")) : IngestBenchmark.defaultClip();
        if (args.has("substream")) {
            clip = io.maskwatch.app.bench.SubstreamClip.of(clip,
                    Path.of(System.getProperty("java.io.tmpdir"), "maskwatch-bench-substreams"), System.err);
        }
        int warmupSeconds = args.intValue("warmup", 15);
        if (warmupSeconds < 0) {
            throw new Args.UsageException("--warmup takes seconds >= 0, got " + warmupSeconds);
        }
        Duration warmup = Duration.ofSeconds(warmupSeconds);
        StringBuilder report = new StringBuilder("## MaskWatch benchmark, " + Instant.now() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version") + "\n\n");
        for (String w : what) {
            switch (w.trim()) {
                case "detector" -> {
                    DetectorBenchmark.Report d = DetectorBenchmark.measure(List.of("--seconds", String.valueOf(seconds)));
                    report.append("### Detector alone\n\n```\n").append(d.text()).append("```\n\n");
                    json.target("detector", d.json());
                }
                case "pipeline" -> {
                    List<Integer> counts = cameraCounts(args.get("cameras", "1,2,3,4,6,8"));
                    PipelineBenchmark.Result r = PipelineBenchmark.measureAll(
                            new PipelineBenchmark.Options(clip, counts, warmup,
                                    Duration.ofSeconds(seconds),
                                    args.intValue("threads", io.maskwatch.detector.DetectorConfig.defaults().threads()), 2.0,
                                    args.has("separate-processes"), detectors(args)), System.err);
                    report.append(args.has("separate-processes")
                            ? "### Whole pipeline (embedded broker, each service in its own JVM)\n\n"
                            : "### Whole pipeline (embedded broker, one JVM)\n\n").append(r.markdown()).append('\n');
                    json.pipeline(r.json());
                }
                case "ingest" -> {
                    if (args.has("separate-processes")) {
                        // Memory and CPU of the ingest service as production runs it (docs/INGEST.md).
                        List<IngestProcessBench.Row> rows = IngestProcessBench.run(clip,
                                cameraCounts(args.get("cameras", "4,10,20")), warmup,
                                Duration.ofSeconds(seconds), System.err);
                        report.append("### Ingest in its own JVM\n\n").append(IngestProcessBench.markdown(rows)).append('\n');
                        json.target("ingest", IngestProcessBench.json(rows));
                    } else {
                        // The service modules carry Kafka clients only; the broker comes from here.
                        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
                            IngestBenchmark.Report r = IngestBenchmark.measureAll(broker.bootstrapServers(), clip,
                                    List.of(1, 4, 16), Duration.ofSeconds(seconds), 960, System.err);
                            report.append("### Ingest\n\n").append(r.markdown()).append('\n');
                            json.target("ingest", r.json());
                        }
                    }
                }
                case "alerter" -> {
                    ByteArrayOutputStream buf = new ByteArrayOutputStream();
                    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
                        json.target("alerter", AlerterBench.run(new PrintStream(buf, true, StandardCharsets.UTF_8), seconds,
                                broker.bootstrapServers()).json());
                    }
                    report.append("### Alerter\n\n```\n").append(buf.toString(StandardCharsets.UTF_8)).append("```\n\n");
                }
                case "live" -> {
                    ByteArrayOutputStream buf = new ByteArrayOutputStream();
                    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
                        json.target("live", io.maskwatch.alerter.bench.LiveBench.run(
                                new PrintStream(buf, true, StandardCharsets.UTF_8), seconds, broker.bootstrapServers(), 20,
                                2.0).json());
                    }
                    report.append("### Live view (camera grid and streams)\n\n").append(buf.toString(StandardCharsets.UTF_8))
                            .append('\n');
                }
                default -> throw new Args.UsageException("unknown benchmark '" + w + "'");
            }
            if (jsonFile != null) {
                json.write(jsonFile);
                System.err.println("bench: " + w.trim() + " results -> " + jsonFile);
            }
        }
        System.out.println(report);
        if (args.has("out")) {
            Files.writeString(Path.of(args.get("out")), report, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return 0;
    }
}
