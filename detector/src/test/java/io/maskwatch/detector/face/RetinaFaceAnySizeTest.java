package io.maskwatch.detector.face;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.randu;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.detector.TestMedia;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/** The RetinaFace export rewritten to take any input size, run on ONNX Runtime. */
class RetinaFaceAnySizeTest {
    private static byte[] model() {
        return OnnxRuntimeFaceNet.readAll(TestMedia.sharedModel("retinaface-mobilenet0.25.onnx"));
    }

    private static Mat noise(int width, int height) {
        Mat blob = new Mat(new int[] {1, 3, height, width}, CV_32F);
        try (Mat lo = new Mat(1, 1, CV_64F, new Scalar(-120.0)); Mat hi = new Mat(1, 1, CV_64F, new Scalar(130.0))) {
            randu(blob, lo, hi);
        }
        return blob;
    }

    @Test
    void oneNetworkRunsEverySizeWithOneOutputPerPrior() {
        try (FaceNet net = new OnnxRuntimeFaceNet(RetinaFaceAnySize.rewrite(model()), 1)) {
            for (int[] size : new int[][] {{640, 384}, {384, 640}, {640, 480}, {640, 640}, {64, 64}}) {
                try (Mat blob = noise(size[0], size[1])) {
                    List<FaceNet.Output> out = net.run(blob);
                    int priors = RetinaFaceDetector.priors(size[0], size[1]).length / 4;
                    assertEquals(3, out.size());
                    for (FaceNet.Output o : out) {
                        assertEquals(priors, o.shape()[1], Arrays.toString(size) + ": " + Arrays.toString(o.shape()));
                    }
                }
            }
        }
    }

    @Test
    void at640x640ItComputesExactlyWhatTheOriginalDoes() {
        try (FaceNet original = new OnnxRuntimeFaceNet(model(), 1);
             FaceNet rewritten = new OnnxRuntimeFaceNet(RetinaFaceAnySize.rewrite(model()), 1);
             Mat blob = noise(640, 640)) {
            List<FaceNet.Output> a = original.run(blob), b = rewritten.run(blob);
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i).values(), b.get(i).values(), 1e-6f, "output " + i);
            }
        }
    }

    @Test
    void theOriginalRefusesAnyOtherSizeWhichIsWhyTheRewriteExists() {
        try (FaceNet net = new OnnxRuntimeFaceNet(model(), 1); Mat blob = noise(640, 384)) {
            assertThrows(IllegalStateException.class, () -> net.run(blob));
        }
    }

    @Test
    void otherModelsAndBrokenFilesAreNotRewrittenAndSaySo() {
        byte[] ultraface = OnnxRuntimeFaceNet.readAll(TestMedia.sharedModel("ultraface-RFB-640-masked_face-v2.onnx"));
        var e = assertThrows(IllegalArgumentException.class, () -> RetinaFaceAnySize.rewrite(ultraface));
        assertTrue(e.getMessage().contains("expected"), e.getMessage());
        assertTrue(RetinaFaceAnySize.tryRewrite(ultraface).isEmpty(), "then it runs at 640x640");
        assertTrue(RetinaFaceAnySize.tryRewrite(model()).isPresent());
        byte[] truncated = Arrays.copyOf(model(), 5000);
        assertTrue(RetinaFaceAnySize.tryRewrite(truncated).isEmpty());
    }

    @Test
    void inputSidesRoundUpTo32WithinTheExportsSize() {
        assertEquals(384, RetinaFaceDetector.inputSide(360));
        assertEquals(640, RetinaFaceDetector.inputSide(640));
        assertEquals(480, RetinaFaceDetector.inputSide(480));
        assertEquals(64, RetinaFaceDetector.inputSide(20));
    }
}
