package io.maskwatch.detector;

import io.maskwatch.common.cli.Args;
import io.maskwatch.common.cli.Command;
import io.maskwatch.detector.analyze.Analyzer;
import io.maskwatch.detector.mask.MaskLabeller;
import io.maskwatch.detector.pipeline.FramePipeline;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.bytedeco.javacpp.Loader;

/** {@code ./maskwatch analyze}: images, directories or videos to JSON lines, no Kafka. */
public final class AnalyzeCommand implements Command {
    @Override
    public String summary() {
        return "offline: images/videos -> JSON lines of labelled faces, no Kafka";
    }

    @Override
    public String usage() {
        return """
                usage: maskwatch analyze --input <image|dir|video> --output <file.jsonl|-> [options]

                One JSON object per image (or video frame):
                  {"source": "a.jpg", "width": W, "height": H, "faces": [{"box": [x1,y1,x2,y2], "face_score": s,
                   "label": "mask"|"no_mask", "score": p, "probabilities": {"mask": p, "no_mask": q}}]}
                video frames: "source": "clip.mp4#<frame index>" plus "timestamp_ms".

                  --crops                  inputs are face crops: no detection, one face covering each image
                  --heatmaps DIR           write a heat map JPEG per face to DIR ("heatmap": file in the JSON)
                  --every N                videos: analyse every N-th frame (default 1)
                  --batch N                frames per classifier batch (default 8)
                Without --threads or --config, analyze runs one detector per core (up to 4); reading,
                detecting and classifying overlap.
                """ + CliDetectorOptions.USAGE;
    }

    @Override
    public int run(List<String> argv) throws Exception {
        // Start-up: OpenCV's native libraries (~1 s) load on another core while the options and config are read.
        daemon(AnalyzeCommand::preloadOpenCv, "analyze-preload-opencv");
        Args a = Args.parse(argv, CliDetectorOptions.withValue("input", "output", "heatmaps", "every", "batch"),
                Set.of("crops"));
        Path input = Path.of(a.required("input"));
        String output = a.required("output");
        int every = a.intValue("every", 1);
        if (every < 1) {
            throw new Args.UsageException("--every must be >= 1");
        }
        Path heatmaps = a.has("heatmaps") ? Path.of(a.get("heatmaps")) : null;
        Map<String, String> env = System.getenv();
        DetectorConfig c = CliDetectorOptions.from(a, env).withImages(heatmaps != null ? DetectorConfig.HeatmapPolicy.ALL : DetectorConfig.HeatmapPolicy.NONE,
                heatmaps != null ? DetectorConfig.FaceCropPolicy.ALL : DetectorConfig.FaceCropPolicy.NONE);
        if (!a.has("threads") && !a.has("config")) {
            // Offline, the machine is ours: one detector per core (the service default of 1 leaves room for Kafka).
            c = c.with(Map.of("threads", Math.min(4, Runtime.getRuntime().availableProcessors())));
        }
        if (!Files.exists(input)) {
            System.err.println("maskwatch analyze: input " + input + " does not exist");
            return 2;
        }
        // The classifier (PyTorch's native library and weights, the slowest part of start-up) loads on
        // another thread while this one opens the face detector networks and the first frames are read
        // and detected; the pipeline awaits it at the first classification.
        DetectorConfig cfg = c;
        CompletableFuture<MaskLabeller> loading = new CompletableFuture<>();
        daemon(() -> {
            try {
                loading.complete(MaskLabeller.load(cfg));
            } catch (Throwable t) {
                loading.completeExceptionally(t);
            }
        }, "analyze-load-classifier");
        Supplier<MaskLabeller> labeller = () -> join(loading);
        FramePipeline opened;
        try {
            opened = a.has("crops")
                    ? FramePipeline.forCrops(c, labeller.get())
                    : FramePipeline.createWhileLoading(c, env, labeller, null);
        } catch (RuntimeException | Error e) {
            // the classifier may still be loading: close it once it is there
            loading.thenAccept(MaskLabeller::close);
            throw e;
        }
        try (FramePipeline pipeline = opened;
             Writer w = output.equals("-")
                     ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                     : Files.newBufferedWriter(Path.of(output), StandardCharsets.UTF_8)) {
            Analyzer analyzer = new Analyzer(pipeline, a.has("crops"), heatmaps, a.intValue("batch", 8), System.err);
            Analyzer.Summary s = analyzer.run(input, w, every);
            // Inputs without a face never needed the classifier: a model that failed to load still fails the command.
            labeller.get();
            System.err.println("analyze: " + s + (output.equals("-") ? "" : " -> " + output));
        }
        return 0;
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    /** Loads OpenCV's native libraries; a failure shows again, with its message, where OpenCV is first used. */
    private static void preloadOpenCv() {
        try {
            // Logging first, here: JavaCPP logs through SLF4J, whose set-up (~0.3 s) would otherwise start
            // from two threads at once (which it reports with a warning).
            org.slf4j.LoggerFactory.getILoggerFactory();
            Loader.load(org.bytedeco.opencv.global.opencv_dnn.class);
            Loader.load(org.bytedeco.opencv.global.opencv_imgcodecs.class);
        } catch (Throwable ignored) {
            // reported by the code that needs OpenCV
        }
    }

    /** The loaded classifier, or the exception that loading it threw (a ConfigException stays one). */
    private static MaskLabeller join(CompletableFuture<MaskLabeller> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
