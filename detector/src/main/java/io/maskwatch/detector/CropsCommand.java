package io.maskwatch.detector;

import io.maskwatch.common.cli.Args;
import io.maskwatch.common.cli.Command;
import io.maskwatch.detector.eval.TrainingCrops;
import io.maskwatch.detector.eval.VocDataset;
import io.maskwatch.detector.eval.VocDataset.VocImage;
import java.io.IOException;
import io.maskwatch.detector.eval.VocLabels;
import io.maskwatch.detector.pipeline.FramePipeline;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code ./maskwatch crops --voc DIR --out DIR}: classifier training crops cut as the pipeline serves faces. */
public final class CropsCommand implements Command {
    @Override
    public String summary() {
        return "cuts classifier training crops from a VOC set with the pipeline's own detector and cropper";
    }

    @Override
    public String usage() {
        return """
                usage: maskwatch crops --voc DIR --out DIR [--split-name train] [--min-size 24] [detector options]

                Runs the configured face detector and the classifier's crop (same margin) on every image of the
                VOC set, matches detections to labelled faces (IoU >= 0.4, greedy by face score) and writes the
                crop of the detected box, at native resolution up to 256 px on the longer side, to
                OUT/<split>/{mask,no_mask,incorrect}/<image>_<object>.jpg by the labelled class. Labelled faces
                the detector missed are cut from their annotated box. OUT/<split>/MANIFEST.tsv lists every crop:
                file, image, box, label, source (detector|gt), iou, width (of the labelled box), gt_box.
                Cut training crops from a training split only; use --split-name test for an evaluation split.

                  --split-name NAME        folder under OUT (default train)
                  --min-size N             skip labelled faces narrower than N px (default 24)
                  --map NAME=LABEL,...     extra VOC names; LABEL mask, no_mask, incorrect or ignore
                """ + CliDetectorOptions.USAGE;
    }

    @Override
    public int run(List<String> argv) throws Exception {
        Args a = Args.parse(argv, CliDetectorOptions.withValue("voc", "out", "split-name", "min-size", "map"), Set.of());
        Path voc = Path.of(a.required("voc"));
        Path out = Path.of(a.required("out"));
        String split = a.get("split-name", "train");
        if (!split.matches("[A-Za-z0-9_-]+")) {
            throw new Args.UsageException("--split-name must be a simple folder name such as train or test, got '" + split + "'");
        }
        double minSize = a.doubleValue("min-size", 24);
        if (minSize < 0) {
            throw new Args.UsageException("--min-size must be >= 0 pixels");
        }
        VocLabels labels;
        try {
            labels = VocLabels.withMapping(a.get("map", ""));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        Map<String, String> env = System.getenv();
        DetectorConfig c = CliDetectorOptions.from(a, env);
        List<VocImage> set;
        try {
            // Bad input stops here, before the detector loads.
            set = VocDataset.read(voc);
            TrainingCrops.check(set, labels, out, split);
        } catch (IOException e) {
            System.err.println("maskwatch crops: " + e.getMessage());
            return 2;
        }
        try (FramePipeline pipeline = FramePipeline.forDetection(c, env)) {
            System.err.println("crops: detector " + pipeline.detectorName() + ", crop margin " + c.cropMargin()
                    + ", writing " + out.resolve(split));
            TrainingCrops.Summary s = new TrainingCrops(pipeline, labels, minSize).run(set, out, split, System.err);
            System.out.print(s.format());
        }
        return 0;
    }
}
