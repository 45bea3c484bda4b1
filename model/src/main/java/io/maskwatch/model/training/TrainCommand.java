package io.maskwatch.model.training;

import io.maskwatch.common.cli.Args;
import io.maskwatch.common.cli.Command;
import io.maskwatch.model.Classification;
import io.maskwatch.model.MaskClassifier;
import io.maskwatch.model.MaskNet;
import io.maskwatch.model.ModelMetadata;
import io.maskwatch.model.RgbImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * {@code ./maskwatch train}: trains the mask classifier, or with {@code --evaluate-only} measures
 * a trained one (test metrics, latency, heat-map grid) and records the results in its metadata.
 */
public final class TrainCommand implements Command {
    private static final Set<String> VALUES = Set.of("data", "out", "name", "size", "width", "epochs", "batch", "lr",
            "weight-decay", "warmup", "samples-per-epoch", "val-fraction", "patience", "seed", "max-minutes",
            "sources", "classes", "threads", "eval-split", "eval-sources", "metrics-key", "record-into", "grid",
            "grid-count", "latency-runs", "degrade", "init", "body-lr-factor", "output-stride");
    private static final Set<String> FLAGS = Set.of("resume", "evaluate-only", "skip-test", "help", "speed");

    @Override
    public String summary() {
        return "trains the MobileNetV2 mask classifier (DJL, PyTorch CPU) or evaluates a trained one";
    }

    @Override
    public String usage() {
        return """
                usage: ./maskwatch train --data DIR [--data DIR2 ...] --out models/ [options]
                       ./maskwatch train --evaluate-only --data DIR --out models/ [evaluation options]
                       ./maskwatch train --speed [--init imagenet] --width W --size PX[,PX...] [--classes A,B,C]
                                         [--threads N] [--latency-runs N]
                         (inference ms per face at batch 1 and 16 of an untrained model of that shape; no data)

                Trains from <data>/train/<class>/ of every --data root, merged (a root may lack a class or the
                test/ split; class list = sorted union of folder names, or --classes), holds out a
                validation split stratified by source set (MANIFEST.tsv source_set) and class, publishes the
                best-validation weights and metadata to <out>/<name>/, then evaluates <data>/test/.
                Progress and ETA go to stderr; checkpoints to <out>/.checkpoints/<name>/.

                training options (defaults in brackets):
                  --name NAME             model name and folder [mask-classifier]
                  --size PX               input side [128]          --width W     MobileNetV2 width multiplier [0.5]
                  --init imagenet[=FILE]  start from the ImageNet MobileNetV2 (TF layout) of the TFLite file
                                          [../shared/models/imagenet-mobilenetv2/mobilenet_v2_1.0_224_quant.tflite];
                                          needs --width 1.0; new zero-initialised head; batch norm calibrated on
                                          training crops; input scaled to [-1, 1] [default: from scratch]
                  --body-lr-factor F      with --init: body learning rate = F x head learning rate [0.1]
                  --output-stride S       with --init: 16 (160-channel stage at stride 1: 8x8 heat map at 128 px)
                                          or 32 (TF's strides) [16]
                  --epochs N              planned epochs [15]       --batch N     crops per step [32]
                  --lr LR                 peak Adam learning rate [0.002; 0.001 with --init]   --weight-decay WD [0.00005]
                  --warmup STEPS          linear warm-up steps [200]
                  --samples-per-epoch N   class-balanced crops per epoch, 0 = size of the train split [0]
                  --val-fraction F        validation share of each source/class group [0.06]
                  --patience N            early-stopping patience in epochs [4]
                  --seed N                seed of splits, sampling, augmentation, initialisation [42]
                  --max-minutes M         do not start an epoch that would end after M minutes [0 = no limit]
                  --sources A,B           train only on these source sets (cross-source experiments) [all]
                  --classes A,B           class folders in logit order [sorted folder names]
                  --threads N             PyTorch threads [engine default]
                  --resume                continue from the last checkpoint
                  --skip-test             do not evaluate the test split after training
                evaluation (with --evaluate-only, or after training):
                  --eval-split S          split folder to evaluate [test]
                  --eval-sources A,B      only crops of these source sets [all]
                  --metrics-key K         name of the metrics entry written to the metadata [test]
                  --record-into DIR       also write the metrics into DIR/mask-classifier.json (cross-source runs)
                  --grid FILE.png         write a heat-map grid of evaluated crops
                  --grid-count N          crops in the grid [36]
                  --latency-runs N        also measure classify() latency at batch 1 and 16 [0 = skip]
                  --degrade PX            shrink every crop to PX px (longer side) and back before classifying:
                                          accuracy on small, soft faces (as from a distant camera)
                """;
    }

    @Override
    public int run(List<String> argv) throws Exception {
        Args a = Args.parse(argv, VALUES, FLAGS);
        try {
            return run(a);
        } catch (io.maskwatch.model.ModelLoadException | IllegalArgumentException | java.io.UncheckedIOException e) {
            // User-fixable problems (missing model or data, bad class list): the message says what to do.
            System.err.println("maskwatch train: " + e.getMessage());
            return 2;
        }
    }

    private int run(Args a) throws Exception {
        if (a.has("speed")) {
            return speed(a);
        }
        a.required("data");
        List<Path> data = a.all("data").stream().map(Path::of).toList();
        Path out = Path.of(a.get("out", "models"));
        String name = a.get("name", "mask-classifier");
        String waitPolicy = OpenMpSettings.preferPassiveWaiting();
        System.err.println("OpenMP wait policy: " + waitPolicy);
        int threads = a.intValue("threads", 0);
        if (threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        if (!a.has("evaluate-only")) {
            List<String> classes = a.has("classes")
                    ? java.util.Arrays.stream(a.get("classes").split(",")).map(String::trim).toList() : null;
            Path init = initFile(a);
            TrainOptions o = new TrainOptions(data, out, name, a.intValue("size", 128),
                    (float) a.doubleValue("width", 0.5), a.intValue("epochs", 15), a.intValue("batch", 32),
                    (float) a.doubleValue("lr", init != null ? 0.001 : 0.002), (float) a.doubleValue("weight-decay", 0.00005),
                    a.intValue("warmup", 200), a.intValue("samples-per-epoch", 0), a.doubleValue("val-fraction", 0.06),
                    a.intValue("patience", 4), a.intValue("seed", 42), a.has("resume"),
                    a.doubleValue("max-minutes", 0), FaceDataset.parseSources(a.get("sources")), classes, threads,
                    init, (float) a.doubleValue("body-lr-factor", 0.1), a.intValue("output-stride", 16));
            validate(o);
            new MaskTrainer(o).run();
            if (a.has("skip-test")) {
                return 0;
            }
        }
        return evaluate(a, data, out.resolve(name));
    }

    private static int speed(Args a) throws Exception {
        OpenMpSettings.preferPassiveWaiting();
        int threads = a.intValue("threads", 0);
        if (threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        Path init = initFile(a);
        float width = (float) a.doubleValue("width", 0.5);
        int classes = a.has("classes") ? a.get("classes").split(",").length : 2;
        Map<String, Object> all = new LinkedHashMap<>();
        for (String side : a.get("size", "128").split(",")) {
            int size = Integer.parseInt(side.trim());
            MaskNet.Spec spec = init != null ? MaskTrainer.imagenetSpec(width, a.intValue("output-stride", 16))
                    : new MaskNet.Spec(MaskNet.Spec.MOBILENET_V2, width, MaskNet.Spec.DEFAULT.strides());
            all.put(size + "px", SpeedCheck.measure(spec, size, classes, init, a.intValue("latency-runs", 20)));
        }
        System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(all));
        return 0;
    }

    /** {@code --init imagenet} or {@code --init imagenet=FILE}, resolved against the working directory. */
    static Path initFile(Args a) {
        if (!a.has("init")) {
            if (a.has("body-lr-factor") || a.has("output-stride")) {
                throw new Args.UsageException("--body-lr-factor and --output-stride apply only with --init imagenet");
            }
            return null;
        }
        String v = a.get("init");
        Path file;
        if (v.equals("imagenet")) {
            file = Path.of(io.maskwatch.model.net.ImageNetWeights.DEFAULT_FILE);
        } else if (v.startsWith("imagenet=") && v.length() > "imagenet=".length()) {
            file = Path.of(v.substring("imagenet=".length()));
        } else {
            throw new Args.UsageException("--init must be 'imagenet' or 'imagenet=FILE.tflite', got '" + v + "'");
        }
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new Args.UsageException("--init: the ImageNet MobileNetV2 file " + file.toAbsolutePath().normalize()
                    + " does not exist; put the shared folder beside the checkout (../shared) or give "
                    + "--init imagenet=PATH/mobilenet_v2_1.0_224_quant.tflite");
        }
        return file;
    }

    private static void validate(TrainOptions o) {
        if (o.init() != null && o.width() != 1.0f) {
            throw new Args.UsageException("--init imagenet needs --width 1.0 (the ImageNet file is MobileNetV2 1.0), got "
                    + o.width());
        }
        if (o.init() != null && o.outputStride() != 16 && o.outputStride() != 32) {
            throw new Args.UsageException("--output-stride must be 16 or 32, got " + o.outputStride());
        }
        if (o.init() != null && !(o.bodyLrFactor() >= 0 && o.bodyLrFactor() <= 1)) {
            throw new Args.UsageException("--body-lr-factor must be between 0 and 1, got " + o.bodyLrFactor());
        }
        if (o.inputSize() < 32 || o.inputSize() % 16 != 0) {
            throw new Args.UsageException("--size must be a multiple of 16, at least 32 (got " + o.inputSize() + ")");
        }
        if (o.epochs() < 1 || o.batchSize() < 2) {
            throw new Args.UsageException("--epochs must be >= 1 and --batch >= 2");
        }
        if (!(o.valFraction() > 0 && o.valFraction() < 0.5)) {
            throw new Args.UsageException("--val-fraction must be between 0 and 0.5");
        }
        if (!(o.learningRate() > 0)) {
            throw new Args.UsageException("--lr must be positive");
        }
    }

    private static int evaluate(Args a, List<Path> data, Path modelDir) throws Exception {
        String split = a.get("eval-split", "test");
        String key = a.get("metrics-key", "test");
        try (MaskClassifier classifier = MaskClassifier.load(modelDir)) {
            FaceDataset dataset = FaceDataset.openForEvaluation(data, classifier.classes());
            List<FaceDataset.Sample> samples = dataset.samples(split, FaceDataset.parseSources(a.get("eval-sources")));
            if (samples.isEmpty()) {
                throw new Args.UsageException("no crops in " + data.stream().map(d -> d.resolve(split).toString()).toList()
                        + " for classes "
                        + classifier.classes() + (a.has("eval-sources") ? " and sources " + a.get("eval-sources") : ""));
            }
            System.err.printf("evaluating %s on %d crops of %s/%s%n", classifier.modelId(), samples.size(), data, split);
            List<RgbImage> images = FaceDataset.decodeAll(samples, split);
            if (a.has("degrade")) {
                int side = a.intValue("degrade", 32);
                images = images.stream().map(img -> degrade(img, side)).toList();
                System.err.printf("every crop shrunk to %d px (longer side) and scaled back up%n", side);
            }
            Evaluation e = Evaluation.run(batch -> logits(classifier, batch), images, samples, classifier.classes());
            System.out.print(e.describe());
            Map<String, Object> result = new LinkedHashMap<>(e.toMap());
            result.put("split", split);
            result.put("sources", a.get("eval-sources", "all"));
            if (a.has("degrade")) {
                result.put("degraded_to_px", a.intValue("degrade", 32));
            }
            if (a.has("grid")) {
                result.put("cam_lower_half_share", camLowerHalfShare(classifier, images, samples));
            }
            int runs = a.intValue("latency-runs", 0);
            if (runs > 0) {
                result.put("latency", latency(classifier, images, runs));
            }
            ModelMetadata m = classifier.metadata();
            Map<String, Object> metrics = new LinkedHashMap<>(m.metrics());
            metrics.put(key, result);
            m.withMetrics(metrics).write(modelDir.resolve(ModelMetadata.FILE_NAME));
            if (a.has("record-into")) {
                Path other = Path.of(a.get("record-into")).resolve(ModelMetadata.FILE_NAME);
                ModelMetadata target = ModelMetadata.read(other);
                Map<String, Object> tm = new LinkedHashMap<>(target.metrics());
                Map<String, Object> withModel = new LinkedHashMap<>(result);
                withModel.put("model", classifier.modelId());
                withModel.put("trained_on_sources", m.training().get("sources"));
                withModel.put("epochs_run", m.training().get("epochs_run"));
                tm.put(key, withModel);
                target.withMetrics(tm).write(other);
            }
            if (a.has("grid")) {
                grid(classifier, samples, images, a.intValue("grid-count", 36), Path.of(a.get("grid")));
            }
        }
        return 0;
    }

    /**
     * Where the heat maps sit: per true class, over correctly classified crops, the mean share of
     * CAM mass in the lower half of the crop (0.5 = no preference; the mouth and a mask are below).
     */
    static Map<String, Object> camLowerHalfShare(MaskClassifier classifier, List<RgbImage> images,
                                                 List<FaceDataset.Sample> samples) {
        int k = classifier.classes().size();
        double[] sum = new double[k];
        int[] n = new int[k];
        for (int start = 0; start < images.size(); start += 64) {
            List<Classification> r = classifier.classify(images.subList(start, Math.min(images.size(), start + 64)), true);
            for (int i = 0; i < r.size(); i++) {
                int label = samples.get(start + i).label();
                if (r.get(i).predicted() == label) {
                    sum[label] += lowerHalfShare(r.get(i).cam());
                    n[label]++;
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (int c = 0; c < k; c++) {
            out.put(classifier.classes().get(c), n[c] == 0 ? null : MaskTrainer.round(sum[c] / n[c]));
        }
        System.err.println("mean share of heat-map mass in the lower half of the face, by class: " + out);
        return out;
    }

    /** Share of a map's mass in its lower half (rows at or below the middle; an odd middle row counts half). */
    public static double lowerHalfShare(io.maskwatch.model.ClassActivationMap cam) {
        double top = 0;
        double bottom = 0;
        for (int y = 0; y < cam.height(); y++) {
            double weight = cam.height() % 2 == 1 && y == cam.height() / 2 ? 0.5 : (y < cam.height() / 2.0 ? 0 : 1);
            for (int x = 0; x < cam.width(); x++) {
                bottom += weight * cam.get(x, y);
                top += (1 - weight) * cam.get(x, y);
            }
        }
        return top + bottom == 0 ? 0.5 : bottom / (top + bottom);
    }

    static RgbImage degrade(RgbImage img, int side) {
        int longer = Math.max(img.width(), img.height());
        if (side >= longer) {
            return img;
        }
        int w = Math.max(1, img.width() * side / longer);
        int h = Math.max(1, img.height() * side / longer);
        return io.maskwatch.model.FacePreprocessor.resize(
                io.maskwatch.model.FacePreprocessor.resize(img, w, h), img.width(), img.height());
    }

    private static float[][] logits(MaskClassifier classifier, List<RgbImage> batch) {
        List<Classification> r = classifier.classify(batch, false);
        float[][] rows = new float[r.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = r.get(i).logits();
        }
        return rows;
    }

    /** Milliseconds per face at batch 1 and 16, median of the runs, after warm-up. */
    static Map<String, Object> latency(MaskClassifier classifier, List<RgbImage> images, int runs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int batch : new int[] {1, 16}) {
            List<RgbImage> crops = images.subList(0, Math.min(batch, images.size()));
            for (int i = 0; i < 5; i++) {
                classifier.classify(crops, true);
            }
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t = System.nanoTime();
                classifier.classify(crops, true);
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
            java.util.Arrays.sort(ms);
            double median = ms[runs / 2];
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("batch_ms_median", MaskTrainer.round(median));
            b.put("ms_per_face", MaskTrainer.round(median / crops.size()));
            b.put("with_cam", true);
            out.put("batch_" + batch, b);
            System.err.printf("latency batch %d: %.2f ms per batch, %.2f ms per face (median of %d, with CAM)%n",
                    crops.size(), median, median / crops.size(), runs);
        }
        out.put("machine", Runtime.getRuntime().availableProcessors() + " CPU cores visible to the JVM");
        return out;
    }

    private static void grid(MaskClassifier classifier, List<FaceDataset.Sample> samples, List<RgbImage> images,
                             int count, Path png) throws Exception {
        // Half masked, half not (when both exist), picked with a fixed seed.
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            idx.add(i);
        }
        Collections.shuffle(idx, new Random(7));
        List<RgbImage> crops = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        int perClass = Math.max(1, count / classifier.classes().size());
        int[] taken = new int[classifier.classes().size()];
        for (int i : idx) {
            int l = samples.get(i).label();
            if (taken[l] < perClass) {
                taken[l]++;
                crops.add(images.get(i));
                labels.add(classifier.classes().get(l));
            }
        }
        HeatmapGrid.write(classifier, crops, labels, 6, png);
        System.err.println("heat-map grid written to " + png);
    }
}
