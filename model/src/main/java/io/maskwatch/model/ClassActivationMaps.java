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
        return weight.matMul(features.reshape(n, c, h * w)).reshape(n, weight.getShape().get(0), h, w);
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
