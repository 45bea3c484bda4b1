package io.maskwatch.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * MobileNetV2 bottleneck: [1x1 expand + ReLU6] (absent when the expansion is 1, as in TF's first
 * block), 3x3 depthwise + ReLU6, 1x1 linear projection, and a residual when shape is kept.
 */
public final class InvertedResidual extends AbstractBlock {
    private static final byte VERSION = 1;

    private final List<ConvBn> convs = new ArrayList<>();
    private final boolean residual;

    InvertedResidual(List<TfMobileNetV2.Layer> layers, boolean residual) {
        super(VERSION);
        String[] names = layers.size() == 3 ? new String[] {"expand", "depthwise", "project"}
                : new String[] {"depthwise", "project"};
        for (int i = 0; i < layers.size(); i++) {
            convs.add(addChildBlock(names[i], new ConvBn(layers.get(i))));
        }
        this.residual = residual;
    }

    List<ConvBn> convs() {
        return convs;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDList x = inputs;
        for (ConvBn c : convs) {
            x = c.forward(ps, x, training);
        }
        return residual ? new NDList(x.singletonOrThrow().add(inputs.singletonOrThrow())) : x;
    }

    NDArray calibrate(ParameterStore ps, NDArray in) {
        NDArray x = in;
        for (ConvBn c : convs) {
            x = c.calibrate(ps, x);
        }
        return residual ? x.add(in) : x;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] s = inputShapes;
        for (ConvBn c : convs) {
            s = c.getOutputShapes(s);
        }
        return s;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] s = inputShapes;
        for (ConvBn c : convs) {
            c.initialize(manager, dataType, s);
            s = c.getOutputShapes(s);
        }
    }
}
