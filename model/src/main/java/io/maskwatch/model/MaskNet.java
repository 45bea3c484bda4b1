package io.maskwatch.model;

import ai.djl.basicmodelzoo.cv.classification.MobileNetV2;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.BlockList;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import io.maskwatch.model.net.TfMobileNetV2;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The mask classifier network: a MobileNetV2 body as a feature block, then global average
 * pooling and one dense layer. Two body families: {@code mobilenet_v2} (DJL's MobileNetV2, trained
 * from scratch) and {@code mobilenet_v2_tf} ({@link TfMobileNetV2}, TensorFlow's exact layout, which
 * takes the ImageNet weights of the TFLite file, see {@link io.maskwatch.model.net.ImageNetWeights}). Keeping the head this simple makes the class activation map exact:
 * for class k, {@code CAM_k(y, x) = W_k . F(:, y, x)}, and {@code mean(CAM_k) + b_k} is the logit.
 * {@link #forwardWithFeatures} returns the logits and the feature map of the same forward pass.
 */
public final class MaskNet extends AbstractBlock {
    private static final byte VERSION = 1;
    /** DJL's MobileNetV2 filter defaults (width 1.0). */
    private static final int[] BASE_FILTERS = {32, 16, 24, 32, 64, 96, 160, 320, 1280};

    private final Spec spec;
    private final int numClasses;
    private final Block features;
    private final Linear classifier;

    /**
     * Network shape as recorded in the model metadata.
     *
     * @param family  {@code mobilenet_v2} (DJL body) or {@code mobilenet_v2_tf} (TF layout, ImageNet-initialisable)
     * @param width   width multiplier applied to every stage's channels (last 1x1 conv kept at 1280 up to 1.0)
     * @param strides DJL builder strides: first conv, seven bottleneck stages, last conv. The default
     *                MobileNetV2 has output stride 32 (4x4 features at 128 px); {@link #DEFAULT} sets the
     *                160-channel stage to stride 1, so a 128 px face gives an 8x8 heat map.
     */
    public record Spec(String family, float width, int[] strides) {
        public static final String MOBILENET_V2 = "mobilenet_v2";
        public static final String MOBILENET_V2_TF = "mobilenet_v2_tf";
        public static final Spec DEFAULT = new Spec(MOBILENET_V2, 1.0f, new int[] {2, 1, 2, 2, 2, 1, 1, 1, 1});

        public List<String> problems() {
            List<String> p = new ArrayList<>();
            if (!MOBILENET_V2.equals(family) && !MOBILENET_V2_TF.equals(family)) {
                p.add("architecture.family must be '" + MOBILENET_V2 + "' or '" + MOBILENET_V2_TF + "', got '"
                        + family + "'");
            }
            if (MOBILENET_V2_TF.equals(family) && strides != null && strides.length == 9 && strides[8] != 1) {
                p.add("architecture.strides: the last value (1x1 conv) must be 1 for " + MOBILENET_V2_TF);
            }
            if (!(width >= 0.1f && width <= 2f)) {
                p.add("architecture.width must be in [0.1, 2], got " + width);
            }
            if (strides == null || strides.length != 9 || Arrays.stream(strides).anyMatch(s -> s != 1 && s != 2)) {
                p.add("architecture.strides must be 9 values of 1 or 2, got " + Arrays.toString(strides));
            }
            return p;
        }

        /** Input pixels per feature-map cell. */
        public int outputStride() {
            return Arrays.stream(strides).reduce(1, (a, b) -> a * b);
        }

        public int[] filters() {
            int[] f = new int[BASE_FILTERS.length];
            for (int i = 0; i < f.length; i++) {
                boolean last = i == f.length - 1;
                f[i] = last && width <= 1f ? BASE_FILTERS[i] : makeDivisible(BASE_FILTERS[i] * width);
            }
            return f;
        }

        private static int makeDivisible(float v) {
            int r = Math.max(8, (int) (v + 4) / 8 * 8);
            return r < 0.9f * v ? r + 8 : r;
        }
    }

    public MaskNet(Spec spec, int numClasses) {
        super(VERSION);
        List<String> problems = spec.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("need at least 2 classes, got " + numClasses);
        }
        this.spec = spec;
        this.numClasses = numClasses;
        if (Spec.MOBILENET_V2_TF.equals(spec.family())) {
            this.features = addChildBlock("features", new TfMobileNetV2(spec.filters(), spec.strides()));
        } else {
            this.features = addChildBlock("features", djlBody(spec, numClasses));
        }
        this.classifier = addChildBlock("classifier", Linear.builder().setUnits(numClasses).build());
    }

    private static SequentialBlock djlBody(Spec spec, int numClasses) {
        Block body = MobileNetV2.builder()
                .optFilters(spec.filters())
                .optStrides(spec.strides())
                .setOutSize(numClasses)
                .build();
        BlockList children = body.getChildren();
        // DJL's layout: first conv, 7 stages, last conv, global pool, reshape, 1x1 conv head, reshape.
        if (children.size() != 13) {
            throw new IllegalStateException("unexpected DJL MobileNetV2 layout (" + children.size() + " blocks)");
        }
        SequentialBlock f = new SequentialBlock();
        for (int i = 0; i < 9; i++) {
            f.add(children.get(i).getValue());
        }
        return f;
    }

    /** He-style initialisation for training from scratch. */
    public void initializeForTraining(NDManager manager, int inputSize) {
        setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
        initialize(manager, DataType.FLOAT32, new Shape(1, 3, inputSize, inputSize));
    }

    public Spec spec() {
        return spec;
    }

    /** The feature body: a {@link TfMobileNetV2} for {@code mobilenet_v2_tf}, DJL blocks otherwise. */
    public Block features() {
        return features;
    }

    /** The dense head (global-average-pooled features to logits). */
    public Linear classifier() {
        return classifier;
    }

    public int numClasses() {
        return numClasses;
    }

    /** Dense weights {@code (classes, channels)} of the head. */
    public NDArray classifierWeight() {
        return classifier.getParameters().get("weight").getArray();
    }

    /** Dense bias {@code (classes)} of the head. */
    public NDArray classifierBias() {
        return classifier.getParameters().get("bias").getArray();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(forwardWithFeatures(ps, inputs, training).get(0));
    }

    /** One forward: {@code [logits (N, K), features (N, C, h, w)]}. */
    public NDList forwardWithFeatures(ParameterStore ps, NDList inputs, boolean training) {
        NDArray feats = features.forward(ps, inputs, training).singletonOrThrow();
        // PyTorch's DJL mean takes one axis: flatten the spatial axes first.
        Shape fs = feats.getShape();
        NDArray pooled = feats.reshape(fs.get(0), fs.get(1), -1).mean(new int[] {2});
        NDArray logits = classifier.forward(ps, new NDList(pooled), training).singletonOrThrow();
        return new NDList(logits, feats);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), numClasses)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        features.initialize(manager, dataType, inputShapes);
        Shape f = features.getOutputShapes(inputShapes)[0];
        classifier.initialize(manager, dataType, new Shape(f.get(0), f.get(1)));
    }
}
