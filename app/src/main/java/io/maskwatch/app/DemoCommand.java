package io.maskwatch.app;

import io.maskwatch.app.demo.DemoRun;
import io.maskwatch.app.demo.DemoSummary;
import io.maskwatch.app.sample.SampleCamera;
import io.maskwatch.common.cli.Args;
import io.maskwatch.common.cli.Command;
import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.config.ConfigException;
import io.maskwatch.common.config.MaskWatchConfig;
import io.maskwatch.detector.DetectorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./maskwatch demo}: the whole system in one JVM on an embedded KRaft broker, with the
 * alerts page, metrics and a live alert log in the terminal.
 */
public final class DemoCommand implements Command {
    @Override
    public String summary() {
        return "run everything in one process on an embedded Kafka broker";
    }

    @Override
    public String usage() {
        return """
                usage: ./maskwatch demo [--source URL|FILE|/dev/videoN]... [--duration SECONDS] [--summary FILE]
                                        [--fps N] [--port PORT] [--config FILE] [--data-dir DIR]

                Starts a real Kafka broker (KRaft) in this process and runs ingest, detector and alerter
                against it, printing the alerts page and metrics URLs and every alert as it happens.

                  --source      camera to watch (repeatable): rtsp://..., http://... (MJPEG), a video file,
                                /dev/videoN. Without it, a built-in sample camera is used: photos from the
                                npm package @vladmandic/face-api with masks painted on every other face.
                  --duration    stop after SECONDS, or earlier once file sources are consumed and processed;
                                without it, files loop and the demo runs until Ctrl-C
                  --summary     write {"frames","faces","persons","masked","unmasked","alerts","compliance"}
                                as JSON to FILE at the end
                  --fps         frames per second sampled from each source (default 2)
                  --port        alerter page/API port (default 8080; any free port if taken)
                  --config      YAML with detector/alerter/ingest sections to override demo defaults
                  --data-dir    keep broker data and state here (default: a temporary directory, removed)
                """;
    }

    @Override
    public int run(List<String> argv) throws Exception {
        Args args = Args.parse(argv, Set.of("source", "duration", "summary", "fps", "port", "config", "data-dir"),
                Set.of());
        int seconds = args.intValue("duration", -1);
        double fps = args.doubleValue("fps", 2.0);
        boolean bounded = seconds >= 0;
        String yaml = args.has("config") ? Files.readString(Path.of(args.get("config"))) : null;
        Path home = Path.of(System.getProperty("maskwatch.home", "."));

        List<CameraConfig> cameras = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (String source : args.all("source")) {
            cameras.add(camera(source, fps, !bounded, ids));
        }
        if (cameras.isEmpty()) {
            DetectorConfig detector = MaskWatchConfig.parse(yaml == null ? "" : yaml, System.getenv(), "demo")
                    .section("detector", DetectorConfig.class, DetectorConfig.defaults());
            Path clip = SampleCamera.ensureClip(detector, System.getenv(), home, DemoCommand::say);
            cameras.add(SampleCamera.camera(clip, !bounded));
        }
        for (CameraConfig c : cameras) {
            List<String> problems = c.problems();
            if (!problems.isEmpty()) {
                throw new ConfigException(problems.stream().map(p -> "--source " + c.redactedUrl() + ": " + p).toList());
            }
        }

        DemoRun.Options options = new DemoRun.Options(cameras,
                args.has("data-dir") ? Files.createDirectories(Path.of(args.get("data-dir"))) : null,
                args.intValue("port", 8080), yaml, System.getenv());
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C: tell the main thread, then keep the JVM alive until it has shut everything down.
        Thread hook = new Thread(() -> {
            interrupted.countDown();
            try {
                stopped.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "demo-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        try (DemoRun run = new DemoRun(options)) {
            run.start(DemoCommand::say);
            say("");
            say("MaskWatch demo is running: " + cameras.size() + " camera(s): "
                    + cameras.stream().map(c -> c.id() + " <- " + c.redactedUrl()).toList());
            run.urls().forEach((what, url) -> say(String.format(Locale.ROOT, "  %-18s %s", what, url)));
            // Printed once, to the terminal only (not the log): the user needs it for curl and the page.
            say(run.generatedApiToken() != null
                    ? "  API token          " + run.generatedApiToken() + "  (generated for this run; set "
                            + "MASKWATCH_ALERTER_API_TOKEN to choose one; curl -H 'Authorization: Bearer TOKEN'; it reads every /metrics too)"
                    : "  API token          yours (alerter.api-token / MASKWATCH_ALERTER_API_TOKEN)");
            say("  sign in            " + run.loginUrl() + "  (one-time link, 10 minutes)");
            say(bounded ? "  stops after " + seconds + " s or when the sources are consumed" : "  press Ctrl-C to stop");
            say("");
            long deadline = bounded ? System.nanoTime() + seconds * 1_000_000_000L : Long.MAX_VALUE;
            while (interrupted.getCount() > 0 && System.nanoTime() < deadline && !(bounded && run.sourcesFinished())) {
                interrupted.await(500, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            if (interrupted.getCount() > 0) {
                say("finishing: waiting for the last frames to be processed ...");
                run.drain(Duration.ofSeconds(60));
            }
            DemoSummary summary = run.summary();
            say("");
            say("summary: " + summary.toJson());
            if (args.has("summary")) {
                Files.writeString(Path.of(args.get("summary")), summary.toJson() + "\n");
            }
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down (Ctrl-C)
            }
        }
        return 0;
    }

    /** A camera for one --source: its id comes from the file name or host, never the credentials. */
    public static CameraConfig camera(String source, double fps, boolean loopFiles, Set<String> ids) {
        String base;
        boolean file = !source.contains("://") && !source.startsWith("/dev/video");
        if (file) {
            if (!Files.isRegularFile(Path.of(source))) {
                throw new ConfigException("--source " + source + ": no such file (give a video file, an rtsp:// or "
                        + "http:// URL, or /dev/videoN)");
            }
            base = Path.of(source).getFileName().toString().replaceFirst("\\.[^.]+$", "");
        } else if (source.startsWith("/dev/video")) {
            base = "webcam-" + source.substring("/dev/video".length());
        } else {
            String rest = source.substring(source.indexOf("://") + 3);
            rest = rest.substring(rest.indexOf('@') + 1);
            base = "cam-" + rest.split("[/:?]")[0];
        }
        String id = base.replaceAll("[^A-Za-z0-9._-]", "-");
        id = id.substring(0, Math.min(id.length(), 56));
        String unique = id;
        for (int i = 2; !ids.add(unique); i++) {
            unique = id + "-" + i;
        }
        return new CameraConfig(unique, unique, source, fps, 1280, 85, true, "tcp", file && loopFiles);
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
