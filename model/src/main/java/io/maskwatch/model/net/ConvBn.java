package io.maskwatch.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Convolution (no bias) + batch norm + optional ReLU6 with TensorFlow "SAME" padding. For stride 2,
 * TF pads {@code max((ceil(n/2)-1)*2 + k - n, 0)} pixels, the smaller half before: on even sizes 0
 * before and 1 after. PyTorch padding is symmetric, so strided layers pad explicitly and convolve
 * without padding; stride-1 layers (odd kernels) are symmetric and use the convolution's own padding.
 */
public final class ConvBn extends AbstractBlock {
    /** TF's batch-norm epsilon; the identity initialisation uses running variance {@code 1 - EPS}. */
    public static final float EPS = 1e-3f;
    private static final byte VERSION = 1;

    private final TfMobileNetV2.Layer layer;
    private final Conv2d conv;
    private final BatchNorm bn;

    public ConvBn(TfMobileNetV2.Layer layer) {
        super(VERSION);
        this.layer = layer;
        int k = layer.kernel();
        int s = layer.stride();
        int pad = s == 1 ? (k - 1) / 2 : 0;
        this.conv = addChildBlock("conv", Conv2d.builder()
                .setKernelShape(new Shape(k, k))
                .setFilters(layer.out())
                .optStride(new Shape(s, s))
                .optPadding(new Shape(pad, pad))
                .optGroups(layer.depthwise() ? layer.out() : 1)
                .optBias(false)
                .build());
        this.bn = addChildBlock("bn", BatchNorm.builder().optEpsilon(EPS).build());
    }

    public TfMobileNetV2.Layer layer() {
        return layer;
    }

    /** TF SAME padding for a strided layer: (before, after) for an input side {@code n}. */
    static int[] samePadding(int n, int kernel, int stride) {
        int out = (n + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + kernel - n, 0);
        return new int[] {total / 2, total - total / 2};
    }

    private NDArray pad(NDArray x) {
        if (layer.stride() == 1) {
            return x;
        }
        Shape s = x.getShape();
        int[] h = samePadding((int) s.get(2), layer.kernel(), layer.stride());
        int[] w = samePadding((int) s.get(3), layer.kernel(), layer.stride());
        if (h[0] == 0 && h[1] == 0 && w[0] == 0 && w[1] == 0) {
            return x;
        }
        // Pairs from the last axis: (left, right, top, bottom).
        return x.pad(new Shape(w[0], w[1], h[0], h[1]), 0);
    }

    private Shape paddedShape(Shape in) {
        if (layer.stride() == 1) {
            return in;
        }
        int[] h = samePadding((int) in.get(2), layer.kernel(), layer.stride());
        int[] w = samePadding((int) in.get(3), layer.kernel(), layer.stride());
        return new Shape(in.get(0), in.get(1), in.get(2) + h[0] + h[1], in.get(3) + w[0] + w[1]);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDList z = conv.forward(ps, new NDList(pad(inputs.singletonOrThrow())), training);
        NDList y = bn.forward(ps, z, training);
        return layer.relu6() ? new NDList(Activation.relu6(y.singletonOrThrow())) : y;
    }

    /**
     * Inference forward that first sets this layer's batch norm to the statistics of the batch while
     * keeping the function: with pre-norm mean m and variance v, {@code gamma = sqrt(v + eps)},
     * {@code beta += m}, running mean m, running variance v. In eval mode the output is unchanged;
     * in training mode, batch statistics then reproduce it instead of rescaling every channel.
     */
    NDArray calibrate(ParameterStore ps, NDArray x) {
        NDArray z = conv.forward(ps, new NDList(pad(x)), false).singletonOrThrow();
        // PyTorch's DJL mean takes one axis: channels first, everything else flattened.
        NDArray perChannel = z.transpose(1, 0, 2, 3).reshape(z.getShape().get(1), -1);
        NDArray mean = perChannel.mean(new int[] {1});
        NDArray var = perChannel.sub(mean.reshape(-1, 1)).square().mean(new int[] {1});
        float[] m = mean.toFloatArray();
        float[] v = var.toFloatArray();
        float[] beta = param("beta").getArray().toFloatArray();
        float[] gamma = new float[m.length];
        for (int c = 0; c < m.length; c++) {
            gamma[c] = (float) Math.sqrt(v[c] + EPS);
            beta[c] += m[c];
        }
        Weights.assign(param("gamma"), gamma);
        Weights.assign(param("beta"), beta);
        Weights.assign(param("runningMean"), m);
        Weights.assign(param("runningVar"), v);
        NDArray y = bn.forward(ps, new NDList(z), false).singletonOrThrow();
        return layer.relu6() ? Activation.relu6(y) : y;
    }

    /**
     * Sets the convolution weights (OIHW, or (C, 1, k, k) depthwise) and a folded bias: batch norm
     * becomes the identity plus that bias (gamma 1, beta = bias, mean 0, variance 1 - eps).
     */
    public void load(float[] weightOihw, float[] bias) {
        Weights.assign(conv.getParameters().get("weight"), weightOihw);
        float[] ones = new float[layer.out()];
        float[] zeros = new float[layer.out()];
        float[] var = new float[layer.out()];
        java.util.Arrays.fill(ones, 1f);
        java.util.Arrays.fill(var, 1f - EPS);
        Weights.assign(param("gamma"), ones);
        Weights.assign(param("beta"), bias);
        Weights.assign(param("runningMean"), zeros);
        Weights.assign(param("runningVar"), var);
    }

    private Parameter param(String name) {
        return bn.getParameters().get(name);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        int s = layer.stride();
        return new Shape[] {new Shape(in.get(0), layer.out(), (in.get(2) + s - 1) / s, (in.get(3) + s - 1) / s)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape padded = paddedShape(inputShapes[0]);
        conv.initialize(manager, dataType, padded);
        bn.initialize(manager, dataType, conv.getOutputShapes(new Shape[] {padded}));
    }
}
