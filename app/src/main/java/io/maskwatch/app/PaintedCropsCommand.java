package io.maskwatch.app;

import io.maskwatch.app.sample.PaintedMaskCrops;
import io.maskwatch.common.cli.Args;
import io.maskwatch.common.cli.Command;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.face.BlazeFaceDetector;
import io.maskwatch.detector.face.FaceBackends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code ./maskwatch painted-crops}: classifier training crops with painted masks, each bare face
 * twice (properly worn -> mask, below the nose -> incorrect), the third class's extra training data.
 */
public final class PaintedCropsCommand implements Command {
    @Override
    public String summary() {
        return "paints masks (worn properly and below the nose) on bare faces: training crops for 3 classes";
    }

    @Override
    public String usage() {
        return """
                usage: maskwatch painted-crops --out DIR [--voc DIR] [--crops DIR] [--limit N] [--min-size N] [--seed N]

                Finds each bare face's keypoints with BlazeFace and paints a mask on it twice: worn properly
                (written to OUT/train/mask/) and below the nose (OUT/train/incorrect/). Painting both from the
                same faces keeps "painted" from being a cue for either class; only where the mask sits differs.
                The crop is the pipeline's own (square, around the face box).

                  --out DIR       output folder, must be empty or absent
                  --voc DIR       a VOC split: its without_mask faces are painted in their scene (train splits only)
                  --crops DIR     a folder of bare-face crops (e.g. ../shared/datasets/face-masks/train/no_mask)
                  --limit N       at most N crops from --crops, drawn at random (default 1500)
                  --min-size N    VOC faces narrower than N px are skipped (default 32)
                  --seed N        random seed of crop choice and mask colours (default 7)
                  --blazeface-model FILE  BlazeFace ONNX (default: the model cache, scripts/fetch-models.sh)
                """;
    }

    @Override
    public int run(List<String> argv) throws Exception {
        Args a = Args.parse(argv, Set.of("out", "voc", "crops", "limit", "min-size", "seed", "blazeface-model"), Set.of());
        Path out = Path.of(a.required("out"));
        if (!a.has("voc") && !a.has("crops")) {
            throw new Args.UsageException("give --voc DIR and/or --crops DIR: where the bare faces come from");
        }
        if (Files.isDirectory(out)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new Args.UsageException("--out " + out + " is not empty; give a new folder");
                }
            }
        }
        DetectorConfig c = DetectorConfig.defaults().withBackend(FaceBackends.BLAZEFACE);
        if (a.has("blazeface-model")) {
            c = c.with("blazeface-model", a.get("blazeface-model"));
        }
        Path onnx = FaceBackends.check(c, System.getenv()).files().get(0);
        try (BlazeFaceDetector faces = new BlazeFaceDetector(onnx, BlazeFaceDetector.inputSizeOf(onnx), 0.5)) {
            PaintedMaskCrops painter = new PaintedMaskCrops(faces, out, a.intValue("seed", 7));
            if (a.has("voc")) {
                painter.fromVoc(Path.of(a.get("voc")), a.intValue("min-size", 32), System.err);
            }
            if (a.has("crops")) {
                painter.fromCrops(Path.of(a.get("crops")), a.intValue("limit", 1500), System.err);
            }
            System.out.printf("painted-crops: %d crops written to %s/train/{mask,incorrect}, %d faces skipped "
                    + "(no keypoints)%n", painter.written(), out, painter.skipped());
        }
        return 0;
    }
}
