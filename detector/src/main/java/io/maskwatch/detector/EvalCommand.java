package io.maskwatch.detector;

import io.maskwatch.common.cli.Args;
import io.maskwatch.common.cli.Command;
import io.maskwatch.detector.eval.CropSetEvaluation;
import io.maskwatch.detector.eval.StageTimes;
import io.maskwatch.detector.eval.VocDataset;
import io.maskwatch.detector.eval.VocDataset.VocImage;
import io.maskwatch.detector.eval.VocEvaluation;
import io.maskwatch.detector.eval.VocLabels;
import io.maskwatch.detector.mask.MaskLabeller;
import io.maskwatch.detector.pipeline.FramePipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./maskwatch eval --voc DIR}: VOC AP per class (3- and 2-class), mAP and face recall of the
 * pipeline; {@code --crops DIR}: the classifier alone on a folder of face crops.
 */
public final class EvalCommand implements Command {
    @Override
    public String summary() {
        return "scores detector + classifier on a PASCAL VOC set (AP@0.5, mAP, face recall), or the classifier on crops";
    }

    @Override
    public String usage() {
        return """
                usage: maskwatch eval --voc DIR [options]
                       maskwatch eval --crops DIR [--models DIR] [--batch 16] [--report FILE]

                --voc DIR holds images/ and annotations/ (PASCAL VOC xml). Object names: with_mask -> mask,
                without_mask -> no_mask, with_incorrect_mask -> incorrect (and common synonyms, docs/DETECTOR.md);
                any other name stops the run with a list of them, unless --map says what it is. <difficult>1 is
                not scored. Reports AP@0.5 per class and mAP in a 3-class view (incorrect its own class; 0 for a
                2-class classifier) and a 2-class view (incorrect counted as no_mask), face recall per true class
                and per face width, face-score quantiles, confusion matrix, ms per image.

                --crops DIR holds mask/, no_mask/, incorrect/ face images (directly or under one split folder,
                as './maskwatch crops' writes): balanced accuracy (incorrect counted as no_mask), 3-class
                confusion matrix, classifier ms/face at --batch.

                  --min-size N             faces narrower than N px are "difficult": neither found nor missed (default 0)
                  --iou X                  IoU for a match (default 0.5)
                  --map NAME=LABEL,...     extra VOC names; LABEL mask, no_mask, incorrect or ignore
                  --batch N                images per pipeline batch (default 8; --crops: faces per batch, 16)
                  --report FILE            also write the report to FILE (JSON when FILE ends in .json)
                """ + CliDetectorOptions.USAGE;
    }

    @Override
    public int run(List<String> argv) throws Exception {
        Args a = Args.parse(argv, CliDetectorOptions.withValue("voc", "crops", "min-size", "iou", "map", "report", "batch"),
                Set.of());
        if (a.has("voc") == a.has("crops")) {
            throw new Args.UsageException("give exactly one of --voc DIR (scene photos with VOC boxes) or --crops DIR (face crops)");
        }
        Map<String, String> env = System.getenv();
        DetectorConfig c = CliDetectorOptions.from(a, env).withImages(DetectorConfig.HeatmapPolicy.NONE, DetectorConfig.FaceCropPolicy.NONE);
        String text;
        String json;
        if (a.has("crops")) {
            int batch = a.intValue("batch", 16);
            if (batch < 1) {
                throw new Args.UsageException("--batch must be >= 1");
            }
            try {
                CropSetEvaluation.classRoot(Path.of(a.get("crops")));
            } catch (IOException e) {
                System.err.println("maskwatch eval: " + e.getMessage());
                return 2;
            }
            try (MaskLabeller labeller = MaskLabeller.load(c)) {
                CropSetEvaluation.Report r = CropSetEvaluation.run(Path.of(a.get("crops")), labeller, batch, System.err);
                text = r.format();
                json = r.toJson();
            }
        } else {
            VocLabels labels;
            try {
                labels = VocLabels.withMapping(a.get("map", ""));
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException(e.getMessage());
            }
            double minSize = a.doubleValue("min-size", 0);
            double iou = a.doubleValue("iou", 0.5);
            if (minSize < 0 || !(iou > 0 && iou <= 1)) {
                throw new Args.UsageException("--min-size must be >= 0 and --iou in (0, 1]");
            }
            List<VocImage> set;
            try {
                // Bad input stops here, before the models load.
                set = VocDataset.read(Path.of(a.get("voc")));
                labels.requireKnown(set);
            } catch (IOException e) {
                System.err.println("maskwatch eval: " + e.getMessage());
                return 2;
            }
            MaskLabeller labeller = MaskLabeller.load(c);
            StageTimes times = new StageTimes();
            try (FramePipeline pipeline = FramePipeline.create(c, env, labeller, times)) {
                VocEvaluation.Report r = VocEvaluation.run(set, pipeline, iou, minSize, labels,
                        Math.max(1, a.intValue("batch", 8)), times, System.err);
                text = r.format();
                json = r.toJson();
            }
        }
        System.out.print(text);
        if (a.has("report")) {
            Path report = Path.of(a.get("report"));
            Files.writeString(report, report.getFileName().toString().toLowerCase().endsWith(".json") ? json : text);
        }
        return 0;
    }
}
