package io.maskwatch.detector;

import io.maskwatch.common.cli.Args;
import io.maskwatch.common.cli.Command;
import io.maskwatch.detector.eval.VocEvaluation;
import io.maskwatch.detector.eval.VocLabels.IncorrectPolicy;
import io.maskwatch.detector.mask.MaskLabeller;
import io.maskwatch.detector.pipeline.FramePipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code ./maskwatch eval --voc DIR}: VOC AP per class, mAP and face recall of the pipeline. */
public final class EvalCommand implements Command {
    @Override
    public String summary() {
        return "scores detector + classifier on a PASCAL VOC set: AP@0.5 per class, mAP, face recall";
    }

    @Override
    public String usage() {
        return """
                usage: maskwatch eval --voc DIR [options]

                DIR holds images/ and annotations/ (PASCAL VOC xml). Object names are mapped to labels:
                with_mask/mask/face_mask -> mask, without_mask/no_mask/face -> no_mask,
                mask_weared_incorrect/incorrect -> see --incorrect; unknown names and <difficult>1 are not scored.

                  --min-size N             score only faces at least N pixels wide (default 0)
                  --iou X                  IoU for a match (default 0.5)
                  --incorrect POLICY       badly worn masks: ignore (default), no_mask or mask
                  --report FILE            also write the report to FILE
                """ + CliDetectorOptions.USAGE;
    }

    @Override
    public int run(List<String> argv) throws Exception {
        Args a = Args.parse(argv, CliDetectorOptions.withValue("voc", "min-size", "iou", "incorrect", "report"), Set.of());
        Path voc = Path.of(a.required("voc"));
        IncorrectPolicy incorrect;
        try {
            incorrect = IncorrectPolicy.valueOf(a.get("incorrect", "ignore").toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--incorrect must be ignore, no_mask or mask");
        }
        Map<String, String> env = System.getenv();
        DetectorConfig c = CliDetectorOptions.from(a, env).withImages("none", false);
        MaskLabeller labeller = MaskLabeller.load(c);
        try (FramePipeline pipeline = FramePipeline.create(c, env, labeller, null)) {
            VocEvaluation.Report r = VocEvaluation.run(voc, pipeline, a.doubleValue("iou", 0.5),
                    a.doubleValue("min-size", 0), incorrect, 8, System.err);
            String text = r.format();
            System.out.print(text);
            if (a.has("report")) {
                Files.writeString(Path.of(a.get("report")), text);
            }
        }
        return 0;
    }
}
