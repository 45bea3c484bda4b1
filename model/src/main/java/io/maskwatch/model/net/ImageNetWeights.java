package io.maskwatch.model.net;

import io.maskwatch.model.MaskNet;
import io.maskwatch.model.tflite.TfliteFormatException;
import io.maskwatch.model.tflite.TfliteModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Loads the ImageNet MobileNetV2 of a TFLite file ({@code mobilenet_v2_1.0_224_quant.tflite}) into a
 * {@link MaskNet} of family {@code mobilenet_v2_tf}: each conv operator's dequantised weights
 * (OHWI → OIHW, depthwise [1,H,W,C] → (C,1,H,W)) and its folded batch-norm bias. Every operator is
 * checked against the expected layer (kind, shape, stride, SAME padding, ReLU6 or linear) before
 * anything is written, so a file of another architecture fails with a message naming the layer.
 */
public final class ImageNetWeights {
    /** The file's location relative to the project root (the shared folder sits beside the checkout). */
    public static final String DEFAULT_FILE = "../shared/models/imagenet-mobilenetv2/mobilenet_v2_1.0_224_quant.tflite";
    /** The TF model's input scaling: RGB to [-1, 1], i.e. {@code (v / 255 - 0.5) / 0.5}. */
    public static final float[] MEAN = {0.5f, 0.5f, 0.5f};
    public static final float[] STD = {0.5f, 0.5f, 0.5f};

    private ImageNetWeights() {
    }

    /** What was loaded. */
    public record Loaded(int convolutions, int logitsClasses, boolean head) {
    }

    /**
     * Reads {@code tflite} and loads its body (and with {@code head}, its logits layer into the
     * dense head, which then must have as many classes as the file) into {@code net}, which must
     * be initialised. A stride changed by the spec (e.g. the 160-channel stage at stride 1 for a
     * finer heat map) is allowed: the weights are the same.
     *
     * @throws TfliteFormatException    when the file is not the expected MobileNetV2
     * @throws IllegalArgumentException when the net cannot take these weights (family, width, classes)
     */
    public static Loaded load(Path tflite, MaskNet net, boolean head) {
        MaskNet.Spec spec = net.spec();
        if (!MaskNet.Spec.MOBILENET_V2_TF.equals(spec.family())) {
            throw new IllegalArgumentException("ImageNet weights need architecture family '"
                    + MaskNet.Spec.MOBILENET_V2_TF + "', got '" + spec.family() + "'");
        }
        if (spec.width() != 1.0f) {
            throw new IllegalArgumentException("the ImageNet MobileNetV2 file has width 1.0; the network has width "
                    + spec.width() + " (use --width 1.0 with --init imagenet)");
        }
        TfliteModel m = TfliteModel.read(tflite);
        List<TfMobileNetV2.Layer> expected = TfMobileNetV2.layout(spec.filters(), TfMobileNetV2.TF_STRIDES);
        List<TfliteModel.Operator> convOps = m.operators().stream()
                .filter(o -> o.builtinCode() == TfliteModel.CONV_2D || o.builtinCode() == TfliteModel.DEPTHWISE_CONV_2D)
                .toList();
        String what = tflite + " is not a TFLite MobileNetV2 1.0 (TF layout): ";
        if (convOps.size() < expected.size()) {
            throw new TfliteFormatException(what + "it has " + convOps.size() + " convolutions, MobileNetV2 has "
                    + expected.size() + " plus the logits layer");
        }
        List<ConvBn> layers = ((TfMobileNetV2) net.features()).convs();
        float[][] weights = new float[expected.size()][];
        float[][] biases = new float[expected.size()][];
        for (int i = 0; i < expected.size(); i++) {
            TfMobileNetV2.Layer l = expected.get(i);
            TfliteModel.Operator op = convOps.get(i);
            String at = what + "layer " + i + " (" + l + ") is " + op.name() + " operator " + op.index();
            int code = l.depthwise() ? TfliteModel.DEPTHWISE_CONV_2D : TfliteModel.CONV_2D;
            if (op.builtinCode() != code) {
                throw new TfliteFormatException(at + ", expected " + (l.depthwise() ? "DEPTHWISE_CONV_2D" : "CONV_2D"));
            }
            TfliteModel.ConvOptions o = op.conv();
            String act = l.relu6() ? "RELU6" : "NONE";
            if (o == null || !"SAME".equals(o.padding()) || o.strideH() != l.stride() || o.strideW() != l.stride()
                    || !act.equals(o.activation())) {
                throw new TfliteFormatException(at + " with options " + o + ", expected SAME padding, stride "
                        + l.stride() + ", activation " + act);
            }
            if (op.inputs().length < 3 || op.inputs()[2] < 0) {
                throw new TfliteFormatException(at + " without a bias (batch norm folded into the bias is expected)");
            }
            TfliteModel.Tensor w = m.tensor(op.inputs()[1]);
            TfliteModel.Tensor b = m.tensor(op.inputs()[2]);
            int[] wShape = l.depthwise() ? new int[] {1, l.kernel(), l.kernel(), l.out()}
                    : new int[] {l.out(), l.kernel(), l.kernel(), l.in()};
            if (!Arrays.equals(w.shape(), wShape) || !Arrays.equals(b.shape(), new int[] {l.out()})) {
                throw new TfliteFormatException(at + " with weights " + Arrays.toString(w.shape()) + " and bias "
                        + Arrays.toString(b.shape()) + ", expected " + Arrays.toString(wShape) + " and [" + l.out() + "]");
            }
            weights[i] = l.depthwise() ? depthwiseToCkhw(m.dequantize(w), l.kernel(), l.out())
                    : ohwiToOihw(m.dequantize(w), l.out(), l.kernel(), l.in());
            biases[i] = m.dequantize(b);
        }
        float[] headW = null;
        float[] headB = null;
        int classes = 0;
        TfliteModel.Operator logits = logitsOperator(m, convOps, expected.size());
        if (logits == null) {
            if (head) {
                throw new TfliteFormatException(what + "no logits layer (1x1 CONV_2D or FULLY_CONNECTED) after the body");
            }
        } else {
            TfliteModel.Tensor w = m.tensor(logits.inputs()[1]);
            int c = spec.filters()[8];
            boolean ok = w.shape().length == 4 ? w.shape()[1] == 1 && w.shape()[2] == 1 && w.shape()[3] == c
                    : w.shape().length == 2 && w.shape()[1] == c;
            if (!ok || logits.inputs().length < 3 || logits.inputs()[2] < 0) {
                throw new TfliteFormatException(what + "logits operator " + logits.index() + " has weights "
                        + Arrays.toString(w.shape()) + " and no usable bias, expected [classes, 1, 1, " + c + "]");
            }
            classes = w.shape()[0];
            if (head) {
                if (net.numClasses() != classes) {
                    throw new IllegalArgumentException("the network has " + net.numClasses() + " classes but "
                            + tflite + " has " + classes + " logits; load only the body for a new head");
                }
                headW = m.dequantize(w); // (classes, 1, 1, C) and (classes, C) are both row-major (classes, C)
                headB = m.dequantize(m.tensor(logits.inputs()[2]));
            }
        }
        for (int i = 0; i < weights.length; i++) {
            layers.get(i).load(weights[i], biases[i]);
        }
        if (headW != null) {
            Weights.assign(net.classifier().getParameters().get("weight"), headW);
            Weights.assign(net.classifier().getParameters().get("bias"), headB);
        }
        return new Loaded(weights.length, classes, headW != null);
    }

    /**
     * Zeroes the dense head: a new head for fine-tuning starts at uniform probabilities (loss ln K)
     * instead of random logits of several units on the large ReLU6 features; gradients still flow.
     */
    public static void zeroHead(MaskNet net) {
        Weights.assign(net.classifier().getParameters().get("weight"), new float[(int) net.classifierWeight().size()]);
        Weights.assign(net.classifier().getParameters().get("bias"), new float[net.numClasses()]);
    }

    private static TfliteModel.Operator logitsOperator(TfliteModel m, List<TfliteModel.Operator> convOps, int bodyConvs) {
        if (convOps.size() > bodyConvs) {
            return convOps.get(bodyConvs);
        }
        int after = convOps.get(bodyConvs - 1).index();
        return m.operators().stream().filter(o -> o.index() > after && o.builtinCode() == TfliteModel.FULLY_CONNECTED)
                .findFirst().orElse(null);
    }

    static float[] ohwiToOihw(float[] w, int o, int k, int in) {
        float[] out = new float[w.length];
        for (int a = 0; a < o; a++) {
            for (int y = 0; y < k; y++) {
                for (int x = 0; x < k; x++) {
                    for (int c = 0; c < in; c++) {
                        out[((a * in + c) * k + y) * k + x] = w[((a * k + y) * k + x) * in + c];
                    }
                }
            }
        }
        return out;
    }

    static float[] depthwiseToCkhw(float[] w, int k, int channels) {
        float[] out = new float[w.length];
        for (int y = 0; y < k; y++) {
            for (int x = 0; x < k; x++) {
                for (int c = 0; c < channels; c++) {
                    out[(c * k + y) * k + x] = w[(y * k + x) * channels + c];
                }
            }
        }
        return out;
    }
}
