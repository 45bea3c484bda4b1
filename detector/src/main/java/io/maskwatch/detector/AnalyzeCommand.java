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
        MaskLabeller labeller = MaskLabeller.load(c);
        try (FramePipeline pipeline = a.has("crops")
                ? FramePipeline.forCrops(c, labeller)
                : FramePipeline.create(c, env, labeller, null);
             Writer w = output.equals("-")
                     ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                     : Files.newBufferedWriter(Path.of(output), StandardCharsets.UTF_8)) {
            Analyzer analyzer = new Analyzer(pipeline, a.has("crops"), heatmaps, a.intValue("batch", 8), System.err);
            Analyzer.Summary s = analyzer.run(input, w, every);
            System.err.println("analyze: " + s + (output.equals("-") ? "" : " -> " + output));
        }
        return 0;
    }
}
