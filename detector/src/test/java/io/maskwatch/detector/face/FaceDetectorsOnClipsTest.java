package io.maskwatch.detector.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.contract.Box;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.TestMedia;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each backend on real frames of ../shared/videos (hand-checked boxes from clips-ground-truth.tsv). */
class FaceDetectorsOnClipsTest {
    /** one-man-no-mask frames 0, 100, 200: his face (hand-checked, hairline-to-chin). */
    private static final Map<Integer, Box> ONE_MAN = Map.of(
            0, new Box(504, 80, 776, 454), 100, new Box(476, 34, 805, 499), 200, new Box(464, 15, 805, 473));

    @ParameterizedTest
    @ValueSource(strings = {"blazeface", "res10", "yunet", "ultraface", "retinaface", "retinaface+ultraface"})
    void findsTheOneManInEveryFrameWithTheBoxInFramePixels(String backend) {
        DetectorConfig c = TestMedia.config(backend);
        try (FaceDetector d = FaceBackends.create(c, System.getenv())) {
            for (var e : ONE_MAN.entrySet()) {
                try (Mat frame = TestMedia.frame("one-man-no-mask", e.getKey())) {
                    List<DetectedFace> faces = d.detect(frame);
                    assertEquals(1, faces.size(), backend + " frame " + e.getKey() + ": " + faces);
                    double iou = faces.get(0).box().iou(e.getValue());
                    assertTrue(iou > 0.6, backend + " frame " + e.getKey() + ": box " + faces.get(0).box()
                            + " vs hand-checked " + e.getValue() + " IoU " + iou);
                }
            }
        }
    }

    /** ONNX Runtime (the default) and OpenCV DNN run the same networks: the same faces within float rounding. */
    @ParameterizedTest
    @ValueSource(strings = {"ultraface", "retinaface", "retinaface+ultraface"})
    void bothInferenceEnginesFindTheSameFaces(String backend) {
        DetectorConfig onnx = TestMedia.config(backend).with("inference-engine", "onnxruntime");
        DetectorConfig opencv = onnx.with("inference-engine", "opencv");
        try (FaceDetector a = FaceBackends.create(onnx, System.getenv());
             FaceDetector b = FaceBackends.create(opencv, System.getenv())) {
            int compared = 0;
            for (String[] clipFrame : new String[][] {{"four-people-masks-on-off", "0"}, {"four-people-masks-on-off", "300"},
                    {"one-man-no-mask", "100"}, {"one-person-mask", "50"}}) {
                try (Mat frame = TestMedia.frame(clipFrame[0], Integer.parseInt(clipFrame[1]))) {
                    List<DetectedFace> x = a.detect(frame), y = b.detect(frame);
                    String where = backend + " " + clipFrame[0] + "@" + clipFrame[1];
                    assertEquals(y.size(), x.size(), where + ": onnxruntime " + x + " vs opencv " + y);
                    for (int i = 0; i < x.size(); i++) {
                        assertTrue(x.get(i).box().iou(y.get(i).box()) > 0.99, where + ": " + x.get(i) + " vs " + y.get(i));
                        assertEquals(y.get(i).score(), x.get(i).score(), 2e-3, where);
                        compared++;
                    }
                }
            }
            assertTrue(compared >= 6, backend + ": only " + compared + " faces compared");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"blazeface", "res10", "yunet", "ultraface", "retinaface", "retinaface+ultraface"})
    void findsTheFourUnmaskedPeople(String backend) {
        try (FaceDetector d = FaceBackends.create(TestMedia.config(backend), System.getenv());
             Mat frame = TestMedia.frame("four-people-masks-on-off", 0)) {
            List<DetectedFace> faces = d.detect(frame);
            TestMedia.assertFourPeople(faces.stream().map(DetectedFace::box).toList());
            for (DetectedFace f : faces) {
                assertTrue(f.box().x1() >= 0 && f.box().y1() >= 0 && f.box().x2() <= 960 && f.box().y2() <= 506);
                assertTrue(f.score() > 0 && f.score() <= 1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"blazeface", "res10", "yunet", "ultraface", "retinaface", "retinaface+ultraface"})
    void findsNoFaceInAFrameWithoutOne(String backend) {
        // putting-on-mask frame 125: a hand holding a mask close to the camera
        try (FaceDetector d = FaceBackends.create(TestMedia.config(backend), System.getenv());
             Mat frame = TestMedia.frame("putting-on-mask", 125)) {
            assertEquals(List.of(), d.detect(frame));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"yunet", "retinaface", "retinaface+ultraface"})
    void landmarksSitInsideTheFaceEyesAboveTheMouth(String backend) {
        try (FaceDetector d = FaceBackends.create(TestMedia.config(backend), System.getenv());
             Mat frame = TestMedia.frame("one-man-no-mask", 100)) {
            DetectedFace f = d.detect(frame).get(0);
            float[] lm = f.landmarks();
            assertEquals(10, lm.length, backend + ": five (x, y) landmarks");
            for (int i = 0; i < 10; i += 2) {
                assertTrue(lm[i] >= f.box().x1() && lm[i] <= f.box().x2() && lm[i + 1] >= f.box().y1()
                        && lm[i + 1] <= f.box().y2(), backend + " landmark " + i / 2 + " outside " + f.box());
            }
            // order: right eye, left eye, nose, right and left mouth corner (image left to right for the eyes)
            assertTrue(lm[0] < lm[2], backend + ": eyes in image order");
            assertTrue(lm[1] < lm[7] && lm[3] < lm[9], backend + ": eyes above the mouth corners");
            assertTrue(lm[5] > Math.min(lm[1], lm[3]) && lm[5] < Math.max(lm[7], lm[9]), backend + ": nose between");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"blazeface", "res10"})
    void tilingFindsAFaceTooSmallForTheWholeFramePass(String backend) {
        // The man's frame shrunk to 14% in a 1920x1080 frame: his face becomes ~38 px wide.
        DetectorConfig c = TestMedia.config(backend).withMinFaceSize(0);
        try (Mat src = TestMedia.frame("one-man-no-mask", 0); Mat big = SmallFaces.place(src, 1920, 1080, 0.14, 900, 500)) {
            Box truth = SmallFaces.transform(ONE_MAN.get(0), 0.14, 900, 500);
            try (FaceDetector plain = FaceBackends.create(c.withTiling(DetectorConfig.Tiling.off()), System.getenv());
                 FaceDetector tiled = FaceBackends.create(c.withTiling(DetectorConfig.Tiling.on(480)), System.getenv())) {
                boolean plainFound = plain.detect(big).stream().anyMatch(f -> f.box().iou(truth) > 0.4);
                List<DetectedFace> tiledFaces = tiled.detect(big);
                boolean tiledFound = tiledFaces.stream().anyMatch(f -> f.box().iou(truth) > 0.4);
                assertTrue(tiledFound, backend + " with tiles should find the " + truth.width() + " px face; got " + tiledFaces);
                assertTrue(!plainFound, backend + " whole-frame pass unexpectedly found the small face; the test needs a smaller face");
            }
        }
    }
}
