package io.maskwatch.model.training;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Everything one training run depends on (recorded in the model metadata so a run can be repeated).
 *
 * @param data            dataset roots, each with {train,test}/{class}/ and optionally MANIFEST.tsv; merged
 * @param out             models folder; the model goes to {@code out/<name>/}
 * @param name            model name and weights prefix
 * @param inputSize       network input side in pixels
 * @param width           MobileNetV2 width multiplier
 * @param epochs          planned epochs (the cosine schedule spans them)
 * @param batchSize       crops per step
 * @param learningRate    peak Adam learning rate
 * @param weightDecay     L2 weight decay
 * @param warmupSteps     linear warm-up steps
 * @param samplesPerEpoch class-balanced crops drawn per epoch (0 = as many as the training split has)
 * @param valFraction     share of each (source set, class) group held out for validation
 * @param patience        epochs without validation improvement before stopping
 * @param seed            seed of splits, sampling, augmentation and initialisation
 * @param resume          continue from the last checkpoint in {@link #checkpointDir()}
 * @param maxMinutes      do not start an epoch that would end after this many minutes (0 = no limit)
 * @param sources         train only on these source sets (empty = all)
 * @param classes         class folders in logit order (null = sorted folder names)
 * @param threads         PyTorch intra-op threads (0 = engine default)
 * @param init            ImageNet TFLite file to start from (family mobilenet_v2_tf), or null to train
 *                        DJL's MobileNetV2 from scratch
 * @param bodyLrFactor    with {@code init}: the body's learning rate is this times the head's
 * @param outputStride    with {@code init}: 16 (160-channel stage at stride 1, finer heat maps) or 32 (TF's)
 */
public record TrainOptions(List<Path> data, Path out, String name, int inputSize, float width, int epochs, int batchSize,
                           float learningRate, float weightDecay, int warmupSteps, int samplesPerEpoch,
                           double valFraction, int patience, long seed, boolean resume, double maxMinutes,
                           Set<String> sources, List<String> classes, int threads, Path init, float bodyLrFactor,
                           int outputStride) {

    public TrainOptions {
        data = List.copyOf(data);
    }

    /** Scratch training of DJL's MobileNetV2 (no ImageNet start). */
    public TrainOptions(List<Path> data, Path out, String name, int inputSize, float width, int epochs, int batchSize,
                        float learningRate, float weightDecay, int warmupSteps, int samplesPerEpoch, double valFraction,
                        int patience, long seed, boolean resume, double maxMinutes, Set<String> sources,
                        List<String> classes, int threads) {
        this(data, out, name, inputSize, width, epochs, batchSize, learningRate, weightDecay, warmupSteps,
                samplesPerEpoch, valFraction, patience, seed, resume, maxMinutes, sources, classes, threads, null, 1f, 16);
    }

    public Path modelDir() {
        return out.resolve(name);
    }

    /** Checkpoints live outside the published model folder (ignored by git). */
    public Path checkpointDir() {
        return out.resolve(".checkpoints").resolve(name);
    }
}
