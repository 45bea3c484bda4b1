package io.maskwatch.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The feature body of TensorFlow's MobileNetV2 (tf-slim / Keras layout), layer for layer, so the
 * ImageNet weights of {@code mobilenet_v2_1.0_224} load into it unchanged: 3x3 stem, 17 inverted
 * residual blocks (the first without expansion), 1x1 conv to 1280 channels, ReLU6 everywhere but
 * the projections, TF SAME padding. Output: the last conv's feature map (N, C, h, w).
 */
public final class TfMobileNetV2 extends AbstractBlock {
    private static final byte VERSION = 1;
    /** Blocks per stage and expansion factor of each of the seven stages. */
    static final int[] REPEATS = {1, 2, 3, 4, 3, 3, 1};
    static final int[] EXPANSION = {1, 6, 6, 6, 6, 6, 6};
    /** TF's strides: stem, seven stages, last conv (output stride 32). */
    public static final int[] TF_STRIDES = {2, 1, 2, 2, 2, 1, 2, 1, 1};

    /** One convolution in graph order. */
    public record Layer(String name, boolean depthwise, int in, int out, int kernel, int stride, boolean relu6) {
        @Override
        public String toString() {
            return name + (depthwise ? " depthwise " : " conv ") + kernel + "x" + kernel + " " + in + "->" + out
                    + " stride " + stride + (relu6 ? " relu6" : " linear");
        }
    }

    private final ConvBn stem;
    private final List<InvertedResidual> blocks = new ArrayList<>();
    private final ConvBn last;
    private final List<ConvBn> convs = new ArrayList<>();

    /**
     * @param filters stem, seven stage outputs, last conv (see {@code MaskNet.Spec.filters()})
     * @param strides stem, seven stages (first block of each), last conv
     */
    public TfMobileNetV2(int[] filters, int[] strides) {
        super(VERSION);
        List<Layer> layers = layout(filters, strides);
        int i = 0;
        this.stem = addChildBlock("stem", new ConvBn(layers.get(i++)));
        convs.add(stem);
        int in = filters[0];
        for (int s = 0; s < 7; s++) {
            for (int r = 0; r < REPEATS[s]; r++) {
                int stride = r == 0 ? strides[s + 1] : 1;
                int n = EXPANSION[s] == 1 ? 2 : 3;
                InvertedResidual b = new InvertedResidual(layers.subList(i, i + n), stride == 1 && in == filters[s + 1]);
                i += n;
                blocks.add(addChildBlock("block" + (blocks.size()), b));
                convs.addAll(b.convs());
                in = filters[s + 1];
            }
        }
        this.last = addChildBlock("last", new ConvBn(layers.get(i)));
        convs.add(last);
    }

    /** Every convolution of the body in graph order (the order of the TFLite file's conv operators). */
    public static List<Layer> layout(int[] filters, int[] strides) {
        List<Layer> out = new ArrayList<>();
        out.add(new Layer("stem", false, 3, filters[0], 3, strides[0], true));
        int in = filters[0];
        int block = 0;
        for (int s = 0; s < 7; s++) {
            for (int r = 0; r < REPEATS[s]; r++) {
                int stride = r == 0 ? strides[s + 1] : 1;
                int outC = filters[s + 1];
                String name = "block" + block++;
                int mid = in * EXPANSION[s];
                if (EXPANSION[s] != 1) {
                    out.add(new Layer(name + "/expand", false, in, mid, 1, 1, true));
                }
                out.add(new Layer(name + "/depthwise", true, mid, mid, 3, stride, true));
                out.add(new Layer(name + "/project", false, mid, outC, 1, 1, false));
                in = outC;
            }
        }
        out.add(new Layer("last", false, in, filters[8], 1, strides[8], true));
        return out;
    }

    public List<ConvBn> convs() {
        return List.copyOf(convs);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDList x = stem.forward(ps, inputs, training);
        for (Block b : blocks) {
            x = b.forward(ps, x, training);
        }
        return last.forward(ps, x, training);
    }

    /**
     * Sets every batch norm to the statistics of {@code images} (N, 3, H, W) without changing the
     * network's inference function (see {@link ConvBn#calibrate}); call before fine-tuning so that
     * training-mode batch norm starts from the ImageNet function instead of rescaling it.
     */
    public void calibrateBatchNorm(NDManager manager, NDArray images) {
        try (NDManager m = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = stem.calibrate(ps, images);
            for (InvertedResidual b : blocks) {
                x = b.calibrate(ps, x);
            }
            last.calibrate(ps, x);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] s = stem.getOutputShapes(inputShapes);
        for (Block b : blocks) {
            s = b.getOutputShapes(s);
        }
        return last.getOutputShapes(s);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        stem.initialize(manager, dataType, inputShapes);
        Shape[] s = stem.getOutputShapes(inputShapes);
        for (Block b : blocks) {
            b.initialize(manager, dataType, s);
            s = b.getOutputShapes(s);
        }
        last.initialize(manager, dataType, s);
    }
}
