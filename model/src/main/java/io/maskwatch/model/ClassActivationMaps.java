package io.maskwatch.model;

import ai.djl.ndarray.NDArray;

/** Class activation maps (Zhou et al., 2016) from a feature map and the dense head's weights. */
public final class ClassActivationMaps {
    private ClassActivationMaps() {
    }

    /**
     * Raw (unnormalised) maps of every class: {@code out[n, k, y, x] = sum_c weight[k, c] * features[n, c, y, x]}.
     * With a global-average-pool + dense head, {@code mean(out[n, k]) + bias[k]} is logit k of image n.
     *
     * @param features (N, C, h, w)
     * @param weight   (K, C)
     * @return (N, K, h, w)
     */
    public static NDArray raw(NDArray features, NDArray weight) {
        long n = features.getShape().get(0);
        long c = features.getShape().get(1);
        long h = features.getShape().get(2);
        long w = features.getShape().get(3);
        NDArray local = onManagerOf(features, weight);
        return local.matMul(features.reshape(n, c, h * w)).reshape(n, weight.getShape().get(0), h, w);
    }

    /**
     * The weights copied to the features' manager. DJL attaches an operation's result to the manager of
     * its first operand: computed on the model's parameters, every intermediate and the maps themselves
     * went to the model's long-lived manager and stayed in native memory until the model was closed
     * (the detector's resident memory grew with every batch, issue #13).
     */
    private static NDArray onManagerOf(NDArray features, NDArray weight) {
        if (weight.getManager() == features.getManager()) {
            return weight;
        }
        return features.getManager().create(weight.toFloatArray(), weight.getShape());
    }

    /**
     * Class-contrastive maps: the raw maps with the mean over classes subtracted, i.e. computed
     * with weights {@code W_k - mean_j W_j}. Softmax ignores anything common to all logits, and so
     * do these maps: what remains is where the evidence for class k exceeds that for the others
     * (with two classes: half the map of the logit difference). Plain CAMs of a two-class model
     * are dominated by "this is a face" activation shared by both classes.
     * {@code mean(out[n, k]) + bias[k] - mean(bias)} is {@code logit[n, k] - mean(logit[n])}.
     *
     * @param features (N, C, h, w)
     * @param weight   (K, C)
     * @return (N, K, h, w)
     */
    public static NDArray contrastive(NDArray features, NDArray weight) {
        NDArray local = onManagerOf(features, weight);
        NDArray centred = local.sub(local.mean(new int[] {0}, true));
        return raw(features, centred);
    }

    /** Min-max normalises one raw map to [0, 1]; a flat map becomes all zeros. */
    public static ClassActivationMap normalised(int width, int height, float[] raw) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : raw) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float range = max - min;
        float[] out = new float[raw.length];
        if (range > 1e-12f) {
            for (int i = 0; i < raw.length; i++) {
                out[i] = (raw[i] - min) / range;
            }
        }
        return new ClassActivationMap(width, height, out);
    }
}
