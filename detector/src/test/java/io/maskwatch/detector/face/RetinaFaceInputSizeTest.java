package io.maskwatch.detector.face;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.detector.TestMedia;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The RetinaFace export rewritten for inputs other than 640x640, run on ONNX Runtime. */
class RetinaFaceInputSizeTest {
    private static byte[] model() {
        return OnnxRuntimeFaceNet.readAll(TestMedia.sharedModel("retinaface-mobilenet0.25.onnx"));
    }

    @Test
    void aPatchedModelRunsAtItsNewSizeWithOneOutputPerPrior() {
        byte[] original = model();
        for (int[] size : new int[][] {{640, 384}, {384, 640}, {512, 448}}) {
            byte[] patched = RetinaFaceInputSize.patch(original, size[0], size[1]);
            assertEquals(original.length, patched.length, "patched in place");
            assertNotEquals(0, Arrays.compare(original, patched));
            try (FaceNet net = new OnnxRuntimeFaceNet(patched, 1);
                 Mat blob = new Mat(new int[] {1, 3, size[1], size[0]}, CV_32F)) {
                blob.put(new org.bytedeco.opencv.opencv_core.Scalar(0.0));
                List<FaceNet.Output> out = net.run(blob);
                int priors = RetinaFaceDetector.priors(size[0], size[1]).length / 4;
                assertEquals(3, out.size());
                for (FaceNet.Output o : out) {
                    assertEquals(priors, o.shape()[1], Arrays.toString(size) + ": " + Arrays.toString(o.shape()));
                }
            }
        }
    }

    @Test
    void theUnpatchedModelRefusesAnyOtherSizeWhichIsWhyThePatchExists() {
        try (FaceNet net = new OnnxRuntimeFaceNet(model(), 1);
             Mat blob = new Mat(new int[] {1, 3, 384, 640}, CV_32F)) {
            assertThrows(IllegalStateException.class, () -> net.run(blob));
        }
    }

    @Test
    void sizesThatAreNoMultipleOf32AndOtherModelsAreRefusedWithAReason() {
        var e = assertThrows(IllegalArgumentException.class, () -> RetinaFaceInputSize.patch(model(), 640, 360));
        assertTrue(e.getMessage().contains("multiple of 32"), e.getMessage());
        byte[] ultraface = OnnxRuntimeFaceNet.readAll(TestMedia.sharedModel("ultraface-RFB-640-masked_face-v2.onnx"));
        assertThrows(IllegalArgumentException.class, () -> RetinaFaceInputSize.patch(ultraface, 640, 384));
        assertFalse(RetinaFaceInputSize.fits(ultraface), "then it runs at 640x640");
        assertTrue(RetinaFaceInputSize.fits(model()));
        assertThrows(IllegalArgumentException.class, () -> RetinaFaceInputSize.patch(new byte[] {8, (byte) 0x80}, 640, 384));
    }

    @Test
    void inputSidesRoundUpTo64WithinTheExportsSize() {
        assertEquals(384, RetinaFaceDetector.inputSide(360));
        assertEquals(640, RetinaFaceDetector.inputSide(640));
        assertEquals(512, RetinaFaceDetector.inputSide(480));
        assertEquals(128, RetinaFaceDetector.inputSide(20));
    }
}
