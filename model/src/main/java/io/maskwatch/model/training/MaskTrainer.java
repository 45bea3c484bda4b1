package io.maskwatch.model.training;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.maskwatch.model.FacePreprocessor;
import io.maskwatch.model.MaskClassifier;
import io.maskwatch.model.MaskNet;
import io.maskwatch.model.ModelMetadata;
import io.maskwatch.model.RgbImage;
import io.maskwatch.model.net.ImageNetWeights;
import io.maskwatch.model.net.TfMobileNetV2;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Trains {@link MaskNet} with DJL's Trainer, from scratch (DJL's MobileNetV2) or from the ImageNet
 * MobileNetV2 of a TFLite file ({@code --init imagenet}: TF layout, ImageNet weights, batch norm
 * calibrated on training crops, a new zero-initialised head, the body at a lower learning rate): class-balanced epochs of augmented
 * crops, Adam with linear warm-up and cosine decay, validation after every epoch, early stopping,
 * and a checkpoint per epoch that {@code --resume} continues from (weights, step and schedule;
 * Adam's moment estimates restart). The best-validation weights are published with their metadata.
 */
public final class MaskTrainer {
    static final String WEIGHTS_SUFFIX = "-0000.params";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT).build();

    /** Training progress persisted after each epoch. */
    public record CheckpointState(int epochsDone, int globalStep, double bestValAccuracy, double bestValLoss,
                                  int bestEpoch, int epochsWithoutImprovement, List<Map<String, Object>> history) {
    }

    /** What a finished run produced. */
    public record Result(ModelMetadata metadata, Path modelDir, CheckpointState state, double imagesPerSecond) {
    }

    private final TrainOptions o;
    private Tracker schedule = Tracker.fixed(0);

    public MaskTrainer(TrainOptions options) {
        this.o = options;
    }

    public Result run() throws IOException, MalformedModelException {
        long runStart = System.nanoTime();
        FaceDataset dataset = FaceDataset.open(o.data(), o.classes());
        List<FaceDataset.Sample> all = dataset.samples("train", o.sources());
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no training crops under " + o.data().stream().map(d -> d.resolve("train")
                    .toString()).toList() + (o.sources().isEmpty() ? "" : " from source sets " + o.sources()));
        }
        int[] perClass = new int[dataset.classes().size()];
        all.forEach(smp -> perClass[smp.label()]++);
        for (int c = 0; c < perClass.length; c++) {
            if (perClass[c] == 0) {
                throw new IllegalArgumentException("class '" + dataset.classes().get(c) + "' has no training crops in "
                        + o.data() + "; add <root>/train/" + dataset.classes().get(c) + "/ or leave it out of --classes");
            }
        }
        FaceDataset.Split split = FaceDataset.splitValidation(all, o.valFraction(), o.seed());
        System.err.printf("training %s: classes %s, %d train crops %s, %d validation crops %s%n", o.name(),
                dataset.classes(), split.train().size(), FaceDataset.countBySource(split.train()),
                split.validation().size(), FaceDataset.countBySource(split.validation()));
        List<RgbImage> trainImages = FaceDataset.decodeAll(split.train(), "train");
        List<RgbImage> valImages = FaceDataset.decodeAll(split.validation(), "validation");

        boolean imagenet = o.init() != null;
        FacePreprocessor pre = imagenet ? new FacePreprocessor(o.inputSize(), ImageNetWeights.MEAN, ImageNetWeights.STD)
                : new FacePreprocessor(o.inputSize(), FacePreprocessor.IMAGENET_MEAN, FacePreprocessor.IMAGENET_STD);
        MaskNet.Spec spec = imagenet ? imagenetSpec(o.width(), o.outputStride())
                : new MaskNet.Spec(MaskNet.Spec.MOBILENET_V2, o.width(), MaskNet.Spec.DEFAULT.strides());
        MaskNet net = new MaskNet(spec, dataset.classes().size());
        int perEpoch = o.samplesPerEpoch() > 0 ? o.samplesPerEpoch() : split.train().size();
        int stepsPerEpoch = Math.max(1, perEpoch / o.batchSize());
        int totalSteps = stepsPerEpoch * o.epochs();

        Files.createDirectories(o.checkpointDir());
        CheckpointState state = new CheckpointState(0, 0, -1, Double.MAX_VALUE, 0, 0, new ArrayList<>());
        Path stateFile = o.checkpointDir().resolve("state.json");
        if (o.resume()) {
            if (!Files.isRegularFile(stateFile)) {
                throw new IllegalArgumentException("--resume: no checkpoint in " + o.checkpointDir()
                        + "; start without --resume");
            }
            state = JSON.readValue(stateFile.toFile(), CheckpointState.class);
            System.err.printf("resuming after epoch %d (step %d, best validation accuracy %.4f at epoch %d)%n",
                    state.epochsDone(), state.globalStep(), state.bestValAccuracy(), state.bestEpoch());
        }
        Tracker main = Tracker.cosine().setBaseValue(o.learningRate()).optFinalValue(o.learningRate() * 0.01f)
                .setMaxUpdates(Math.max(1, totalSteps - o.warmupSteps())).build();
        Tracker warm = Tracker.warmUp().setMainTracker(main).optWarmUpSteps(o.warmupSteps())
                .optWarmUpBeginValue(o.learningRate() * 0.05f).optWarmUpMode(WarmUpTracker.Mode.LINEAR).build();
        int stepOffset = state.globalStep();
        // DJL counts updates from 0 in every process; the offset keeps the schedule going across --resume.
        this.schedule = warm;
        Adam adam = Adam.builder().optLearningRateTracker((Tracker) n -> warm.getNewValue(n + stepOffset)).optWeightDecays(o.weightDecay()).build();
        Optimizer optimizer = adam;
        if (imagenet) {
            Adam bodyAdam = Adam.builder().optLearningRateTracker((Tracker) n -> warm.getNewValue(n + stepOffset)
                    * o.bodyLrFactor()).optWeightDecays(o.weightDecay()).build();
            Set<String> bodyIds = new HashSet<>();
            net.features().getParameters().forEach(p -> bodyIds.add(p.getValue().getId()));
            optimizer = new BodyHeadOptimizer(bodyIds, bodyAdam, adam);
        }

        ai.djl.engine.Engine.getEngine(MaskClassifier.ENGINE).setRandomSeed((int) o.seed());
        double imagesPerSecond = 0;
        try (Model model = Model.newInstance(o.name(), Device.cpu(), MaskClassifier.ENGINE)) {
            model.setBlock(net);
            if (imagenet && !o.resume()) {
                startFromImageNet(net, model.getNDManager(), pre, trainImages, split.train());
            }
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(optimizer)
                    .optInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                            XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(o.batchSize(), 3, o.inputSize(), o.inputSize()));
                if (o.resume()) {
                    loadParams(net, trainer.getManager(), o.checkpointDir().resolve("last.params"));
                }
                Augmenter augmenter = new Augmenter(Augmenter.Settings.DEFAULT);
                double lastEpochSeconds = 0;
                for (int epoch = state.epochsDone() + 1; epoch <= o.epochs(); epoch++) {
                    double elapsedMin = (System.nanoTime() - runStart) / 60e9;
                    if (o.maxMinutes() > 0 && elapsedMin + lastEpochSeconds / 60 > o.maxMinutes()) {
                        System.err.printf("stopping before epoch %d: it would end after the %.0f-minute limit%n",
                                epoch, o.maxMinutes());
                        break;
                    }
                    if (state.epochsWithoutImprovement() >= o.patience()) {
                        System.err.printf("early stop: no validation improvement for %d epochs%n", o.patience());
                        break;
                    }
                    long epochStart = System.nanoTime();
                    int[] order = epochOrder(split.train(), dataset.classes().size(), stepsPerEpoch * o.batchSize(),
                            new Random(o.seed() * 31 + epoch));
                    double[] lossAcc = trainEpoch(trainer, trainImages, split.train(), order, pre, augmenter,
                            epoch, state.globalStep(), runStart, totalSteps);
                    lastEpochSeconds = (System.nanoTime() - epochStart) / 1e9;
                    imagesPerSecond = order.length / lastEpochSeconds;
                    Evaluation val = Evaluation.run(batch -> logits(trainer, pre, batch), valImages, split.validation(),
                            dataset.classes());
                    boolean better = val.accuracy() > state.bestValAccuracy() + 1e-4
                            || (Math.abs(val.accuracy() - state.bestValAccuracy()) <= 1e-4 && val.loss() < state.bestValLoss());
                    Map<String, Object> h = new LinkedHashMap<>();
                    h.put("epoch", epoch);
                    h.put("train_loss", round(lossAcc[0]));
                    h.put("train_accuracy", round(lossAcc[1]));
                    h.put("val_loss", round(val.loss()));
                    h.put("val_accuracy", round(val.accuracy()));
                    h.put("val_accuracy_by_source", val.accuracyBySource());
                    h.put("seconds", Math.round(lastEpochSeconds));
                    h.put("images_per_second", round(imagesPerSecond));
                    List<Map<String, Object>> history = new ArrayList<>(state.history());
                    history.add(h);
                    int globalStep = state.globalStep() + order.length / o.batchSize();
                    if (better) {
                        saveParams(net, o.checkpointDir().resolve("best.params"));
                        state = new CheckpointState(epoch, globalStep, val.accuracy(), val.loss(), epoch, 0, history);
                    } else {
                        state = new CheckpointState(epoch, globalStep, state.bestValAccuracy(), state.bestValLoss(),
                                state.bestEpoch(), state.epochsWithoutImprovement() + 1, history);
                    }
                    saveParams(net, o.checkpointDir().resolve("last.params"));
                    JSON.writeValue(stateFile.toFile(), state);
                    System.err.printf("epoch %d/%d done in %s: train loss %.4f acc %.4f | validation loss %.4f acc %.4f %s%s%n",
                            epoch, o.epochs(), duration(lastEpochSeconds), lossAcc[0], lossAcc[1], val.loss(),
                            val.accuracy(), val.accuracyBySource(), better ? " (best so far, saved)" : "");
                }
            }
        }
        if (state.bestEpoch() == 0) {
            throw new IllegalStateException("no epoch finished; nothing to publish (raise --max-minutes?)");
        }
        ModelMetadata metadata = publish(dataset, spec, state, imagesPerSecond, split);
        return new Result(metadata, o.modelDir(), state, imagesPerSecond);
    }

    /** Images of a class-balanced sample used to calibrate batch norm before fine-tuning. */
    static final int BN_CALIBRATION_IMAGES = 96;

    /** The TF-layout MobileNetV2 at width {@code width}; output stride 16 keeps the 160-channel stage at stride 1. */
    public static MaskNet.Spec imagenetSpec(float width, int outputStride) {
        int[] strides = TfMobileNetV2.TF_STRIDES.clone();
        if (outputStride == 16) {
            strides[6] = 1;
        } else if (outputStride != 32) {
            throw new IllegalArgumentException("--output-stride must be 16 or 32, got " + outputStride);
        }
        return new MaskNet.Spec(MaskNet.Spec.MOBILENET_V2_TF, width, strides);
    }

    /**
     * Initialises the net (random head), loads the ImageNet body and sets its batch norms to the
     * statistics of a class-balanced sample of un-augmented training crops, keeping the ImageNet
     * function (see {@link TfMobileNetV2#calibrateBatchNorm}).
     */
    private void startFromImageNet(MaskNet net, NDManager manager, FacePreprocessor pre, List<RgbImage> images,
                                   List<FaceDataset.Sample> samples) {
        long t = System.nanoTime();
        net.setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
        net.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 3, o.inputSize(), o.inputSize()));
        ImageNetWeights.Loaded loaded = ImageNetWeights.load(o.init(), net, false);
        ImageNetWeights.zeroHead(net);
        int[] order = epochOrder(samples, net.numClasses(), Math.min(BN_CALIBRATION_IMAGES, samples.size()),
                new Random(o.seed()));
        List<RgbImage> calib = new ArrayList<>();
        for (int i : order) {
            calib.add(images.get(i));
        }
        try (NDManager m = manager.newSubManager()) {
            ((TfMobileNetV2) net.features()).calibrateBatchNorm(m, pre.toBatch(m, calib));
        }
        System.err.printf("ImageNet start: %d convolutions from %s, batch norm calibrated on %d crops (%.1f s)%n",
                loaded.convolutions(), o.init(), calib.size(), (System.nanoTime() - t) / 1e9);
    }

    /** Class-balanced sample of the training split for one epoch, shuffled. */
    static int[] epochOrder(List<FaceDataset.Sample> train, int numClasses, int count, Random r) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < train.size(); i++) {
            byClass.get(train.get(i).label()).add(i);
        }
        List<Integer> picked = new ArrayList<>(count);
        int perClass = count / numClasses;
        for (int c = 0; c < numClasses; c++) {
            List<Integer> pool = byClass.get(c);
            if (pool.isEmpty()) {
                continue;
            }
            int need = perClass + (c < count % numClasses ? 1 : 0);
            while (need > 0) {
                List<Integer> shuffled = new ArrayList<>(pool);
                Collections.shuffle(shuffled, r);
                int take = Math.min(need, shuffled.size());
                picked.addAll(shuffled.subList(0, take));
                need -= take;
            }
        }
        Collections.shuffle(picked, r);
        return picked.stream().mapToInt(Integer::intValue).toArray();
    }

    private record Batch(float[] x, float[] y, int n) {
    }

    private double[] trainEpoch(Trainer trainer, List<RgbImage> images, List<FaceDataset.Sample> samples,
                                int[] order, FacePreprocessor pre, Augmenter augmenter, int epoch, int stepBase,
                                long runStart, int totalSteps) {
        int bs = o.batchSize();
        int steps = order.length / bs;
        int per = 3 * pre.size() * pre.size();
        BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(4);
        // Augmentation runs on one background thread, overlapping PyTorch's forward/backward.
        Thread producer = new Thread(() -> {
            try {
                for (int s = 0; s < steps; s++) {
                    float[] x = new float[bs * per];
                    float[] y = new float[bs];
                    for (int b = 0; b < bs; b++) {
                        int idx = order[s * bs + b];
                        Random r = new Random(o.seed() * 1_000_003L + epoch * 100_000_007L + (long) s * bs + b);
                        pre.toChw(augmenter.apply(images.get(idx), r), x, b * per);
                        y[b] = samples.get(idx).label();
                    }
                    queue.put(new Batch(x, y, bs));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "maskwatch-augment");
        producer.setDaemon(true);
        producer.start();
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        long start = System.nanoTime();
        try {
            for (int s = 0; s < steps; s++) {
                Batch batch = queue.take();
                try (NDManager m = trainer.getManager().newSubManager()) {
                    NDArray x = m.create(batch.x(), new Shape(batch.n(), 3, pre.size(), pre.size()));
                    NDArray y = m.create(batch.y(), new Shape(batch.n()));
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDList pred = trainer.forward(new NDList(x));
                        NDArray loss = trainer.getLoss().evaluate(new NDList(y), pred);
                        gc.backward(loss);
                        lossSum += loss.getFloat() * batch.n();
                        float[] predicted = pred.singletonOrThrow().argMax(1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                        for (int i = 0; i < batch.n(); i++) {
                            if (predicted[i] == batch.y()[i]) {
                                correct++;
                            }
                        }
                    }
                    trainer.step();
                }
                seen += batch.n();
                if ((s + 1) % 20 == 0 || s + 1 == steps) {
                    double secs = (System.nanoTime() - start) / 1e9;
                    double ips = seen / secs;
                    double etaEpoch = (steps - s - 1) * bs / ips;
                    double etaAll = (totalSteps - stepBase - s - 1) * bs / ips;
                    System.err.printf("epoch %d/%d step %d/%d loss %.4f acc %.4f lr %.2e %.1f img/s | epoch ETA %s, run ETA %s (elapsed %s)%n",
                            epoch, o.epochs(), s + 1, steps, lossSum / seen, (double) correct / seen,
                            schedule.getNewValue(stepBase + s), ips,
                            duration(etaEpoch), duration(etaAll), duration((System.nanoTime() - runStart) / 1e9));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("training interrupted", e);
        } finally {
            producer.interrupt();
        }
        return new double[] {lossSum / seen, (double) correct / seen};
    }

    private ModelMetadata publish(FaceDataset dataset, MaskNet.Spec spec, CheckpointState state,
                                  double imagesPerSecond, FaceDataset.Split split) throws IOException {
        Path dir = o.modelDir();
        Files.createDirectories(dir);
        String weightsFile = o.name() + WEIGHTS_SUFFIX;
        Path tmp = dir.resolve(weightsFile + ".tmp");
        Files.copy(o.checkpointDir().resolve("best.params"), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, dir.resolve(weightsFile), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        String sha = MaskClassifier.sha256(dir.resolve(weightsFile));
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("engine", "DJL 0.36.0 / PyTorch 2.7.1 CPU");
        training.put("epochs_planned", o.epochs());
        training.put("epochs_run", state.epochsDone());
        training.put("best_epoch", state.bestEpoch());
        training.put("batch_size", o.batchSize());
        training.put("samples_per_epoch", o.samplesPerEpoch());
        training.put("optimizer", "Adam, L2 weight decay " + o.weightDecay());
        training.put("learning_rate", o.learningRate());
        if (o.init() != null) {
            training.put("init", "imagenet=" + o.init());
            training.put("init_sha256", MaskClassifier.sha256(o.init()));
            training.put("body_learning_rate_factor", o.bodyLrFactor());
            training.put("batch_norm_calibration", "identity-folded ImageNet batch norm set to the statistics of "
                    + BN_CALIBRATION_IMAGES + " class-balanced training crops, same function");
        } else {
            training.put("init", "scratch");
        }
        training.put("data_roots", dataset.describeRoots("train"));
        training.put("schedule", "linear warm-up " + o.warmupSteps() + " steps, cosine to 1% of peak");
        training.put("val_fraction", o.valFraction());
        training.put("patience", o.patience());
        training.put("seed", o.seed());
        training.put("sources", o.sources().isEmpty() ? "all" : String.join(",", new java.util.TreeSet<>(o.sources())));
        training.put("train_crops_by_source", FaceDataset.countBySource(split.train()));
        training.put("validation_crops_by_source", FaceDataset.countBySource(split.validation()));
        training.put("augmentation", Augmenter.Settings.DEFAULT.toString());
        training.put("images_per_second_last_epoch", round(imagesPerSecond));
        training.put("history", state.history());
        Map<String, Object> metrics = new LinkedHashMap<>();
        int bestEpoch = state.bestEpoch();
        Map<String, Object> best = state.history().stream().filter(h -> ((Number) h.get("epoch")).intValue() == bestEpoch)
                .findFirst().orElseThrow();
        metrics.put("validation", Map.of("accuracy", best.get("val_accuracy"), "loss", best.get("val_loss"),
                "accuracy_by_source", best.get("val_accuracy_by_source")));
        FacePreprocessor pre = o.init() != null ? new FacePreprocessor(o.inputSize(), ImageNetWeights.MEAN, ImageNetWeights.STD)
                : new FacePreprocessor(o.inputSize(), FacePreprocessor.IMAGENET_MEAN, FacePreprocessor.IMAGENET_STD);
        ModelMetadata metadata = new ModelMetadata(ModelMetadata.FORMAT_VERSION, o.name(), spec, dataset.classes(),
                o.inputSize(), pre.mean(), pre.std(), weightsFile, sha,
                dataset.manifestSha256(), Instant.now().toString(), training, metrics);
        metadata.write(dir.resolve(ModelMetadata.FILE_NAME));
        System.err.printf("published %s (best epoch %d, validation accuracy %.4f) to %s%n", o.name(),
                state.bestEpoch(), state.bestValAccuracy(), dir);
        return metadata;
    }

    static void saveParams(MaskNet net, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp))) {
            net.saveParameters(new DataOutputStream(os));
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static void loadParams(MaskNet net, NDManager manager, Path file) throws IOException, MalformedModelException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            net.loadParameters(manager, new DataInputStream(in));
        }
        for (Pair<String, Parameter> p : net.getParameters()) {
            if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
        }
    }

    private static float[][] logits(Trainer trainer, FacePreprocessor pre, List<RgbImage> batch) {
        try (NDManager m = trainer.getManager().newSubManager()) {
            NDArray out = trainer.evaluate(new NDList(pre.toBatch(m, batch))).singletonOrThrow();
            int k = (int) out.getShape().get(1);
            float[] flat = out.toFloatArray();
            float[][] rows = new float[batch.size()][k];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(flat, i * k, rows[i], 0, k);
            }
            return rows;
        }
    }

    static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
