package io.maskwatch.detector.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.contract.Face;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.TestMedia;
import io.maskwatch.detector.frame.Jpeg;
import io.maskwatch.detector.mask.MaskLabeller;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The whole pipeline on real frames with the committed classifier. */
class FramePipelineTest {
    private record Timing(Stage stage, int items) {
    }

    private static FramePipeline pipeline(DetectorConfig c, List<Timing> timings) {
        return FramePipeline.create(c, System.getenv(), MaskLabeller.load(TestMedia.classifierDir()),
                (stage, nanos, items) -> timings.add(new Timing(stage, items)));
    }

    private static long count(List<FrameResult> rs, FaceLabel l) {
        return rs.stream().flatMap(r -> r.faces().stream()).filter(f -> f.label() == l).count();
    }

    @Test
    void labelsFacesAndRendersImagesByPolicyInOneClassifierCallPerBatch() {
        List<Timing> timings = new CopyOnWriteArrayList<>();
        DetectorConfig c = TestMedia.config("blazeface");
        TestMedia.classifierDir();
        List<byte[]> batch = new ArrayList<>();
        for (int i : new int[] {0, 100, 200}) {
            batch.add(TestMedia.jpeg("one-man-no-mask", i));
        }
        for (int i : new int[] {0, 100, 200}) {
            batch.add(TestMedia.jpeg("one-person-mask", i));
        }
        batch.add("garbage".getBytes());
        try (FramePipeline p = pipeline(c, timings)) {
            List<FrameResult> rs = p.processEncoded(batch);
            assertEquals(7, rs.size());
            assertTrue(rs.get(6).error().startsWith("not a JPEG"), rs.get(6).error());
            for (int i = 0; i < 6; i++) {
                assertTrue(rs.get(i).ok());
                assertEquals(1, rs.get(i).faces().size(), "frame " + i + ": " + rs.get(i).faces());
            }
            assertEquals(1280, rs.get(0).width());
            assertEquals(404, rs.get(3).height());
            // the unmasked man is no_mask, the masked person mask, in most frames
            assertTrue(count(rs.subList(0, 3), FaceLabel.NO_MASK) >= 2, "man: " + rs.subList(0, 3));
            assertTrue(count(rs.subList(3, 6), FaceLabel.MASK) >= 2, "masked person: " + rs.subList(3, 6));
            for (FrameResult r : rs.subList(0, 6)) {
                Face f = r.faces().get(0);
                assertEquals(1.0, f.probabilities().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-4);
                // Face.score is the joint confidence P(face) x P(label | face); probabilities stay the classifier's.
                assertEquals(f.faceScore() * f.probability(f.label()), f.score(), 1e-6);
                assertTrue(f.faceScore() > 0.3 && f.faceScore() < 1, "face score " + f.faceScore());
                // face-crops unmasked-only (default): crops only of faces without a (proper) mask
                assertEquals(f.label() != FaceLabel.MASK, f.cropJpeg() != null, f.label() + " crop");
                if (f.cropJpeg() != null) {
                    try (Mat crop = Jpeg.decode(f.cropJpeg())) {
                        assertTrue(crop.cols() <= c.cropMaxSize() && crop.cols() == crop.rows());
                    }
                }
                // heat maps only for faces not wearing a mask (default policy no_mask)
                assertEquals(f.label() != FaceLabel.MASK, f.heatmapJpeg() != null, f.label() + " heat map");
            }
        }
        List<Timing> classify = timings.stream().filter(t -> t.stage() == Stage.CLASSIFY).toList();
        assertEquals(List.of(new Timing(Stage.CLASSIFY, 6)), classify, "one classifier call for all 6 faces");
        assertEquals(6, timings.stream().filter(t -> t.stage() == Stage.DETECT).count());
        assertEquals(6, timings.stream().filter(t -> t.stage() == Stage.DECODE).count());
    }

    /** Frames of an unmasked man and a masked person, one face each, for the face-crops policy tests. */
    private static List<Face> maskedAndUnmasked(DetectorConfig c) {
        List<byte[]> batch = List.of(TestMedia.jpeg("one-man-no-mask", 0), TestMedia.jpeg("one-man-no-mask", 100),
                TestMedia.jpeg("one-person-mask", 0), TestMedia.jpeg("one-person-mask", 100));
        try (FramePipeline p = pipeline(c, new ArrayList<>())) {
            List<Face> faces = p.processEncoded(batch).stream().flatMap(r -> r.faces().stream()).toList();
            assertTrue(faces.stream().anyMatch(f -> f.label() == FaceLabel.MASK), "a masked face: " + faces);
            assertTrue(faces.stream().anyMatch(f -> f.label() != FaceLabel.MASK), "an unmasked face: " + faces);
            return faces;
        }
    }

    @Test
    void confidentFacesOfACameraAreNotReclassifiedForReclassifyEveryFrames() {
        DetectorConfig c = TestMedia.config("blazeface");
        // One batch as a poll delivers it: two cameras' frames interleaved, 5 consecutive samples each.
        List<byte[]> batch = new ArrayList<>();
        List<String> cameras = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(TestMedia.jpeg("one-man-no-mask", 2 * i));
            cameras.add("man");
            batch.add(TestMedia.jpeg("one-person-mask", 2 * i));
            cameras.add("masked");
        }
        List<Timing> plain = new CopyOnWriteArrayList<>();
        List<Timing> reusing = new CopyOnWriteArrayList<>();
        List<FrameResult> every;
        List<FrameResult> reused;
        LabelReuse reuse = new LabelReuse(4, 0.5, 0.5);
        try (FramePipeline p = pipeline(c, plain)) {
            every = p.processEncoded(batch);
        }
        try (FramePipeline p = pipeline(c, reusing)) {
            reused = p.processEncoded(batch, cameras, reuse);
        }
        int faces = 0;
        for (int i = 0; i < batch.size(); i++) {
            List<Face> a = every.get(i).faces();
            List<Face> b = reused.get(i).faces();
            assertEquals(a.size(), b.size(), "frame " + i);
            for (int k = 0; k < a.size(); k++) {
                faces++;
                assertEquals(a.get(k).box(), b.get(k).box(), "detection is unchanged");
                assertEquals(a.get(k).label(), b.get(k).label(), "frame " + i + ": the reused label is the fresh one");
                assertEquals(b.get(k).faceScore() * b.get(k).probability(b.get(k).label()), b.get(k).score(), 1e-6);
            }
        }
        assertTrue(faces >= 8, "faces found: " + faces);
        int classifiedPlain = plain.stream().filter(t -> t.stage() == Stage.CLASSIFY).mapToInt(Timing::items).sum();
        int classifiedReusing = reusing.stream().filter(t -> t.stage() == Stage.CLASSIFY).mapToInt(Timing::items).sum();
        assertEquals(faces, classifiedPlain);
        // frames 1 and 5 of each camera are classified, 2-4 reuse (when the face stayed put and was sure)
        assertTrue(classifiedReusing <= faces / 2, classifiedReusing + " of " + faces + " faces classified");
        assertEquals(faces - classifiedReusing, reuse.reusedCount());
        // the waves: each classifier call holds both cameras' faces of one frame index
        assertTrue(reusing.stream().filter(t -> t.stage() == Stage.CLASSIFY).allMatch(t -> t.items() >= 2), reusing.toString());
    }

    @Test
    void aMaskComingOffIsClassifiedAtOnceThoughTheBoxStayedPut() {
        // putting-on-mask at ~4 fps (every 6th frame of 25 fps): masked at 30-42, bare-faced from 48
        // (AppearanceChangeProbe: thumbnail change 0.70-0.77 from any masked sample to the bare face).
        DetectorConfig c = TestMedia.config("retinaface+ultraface");
        int[] indices = {30, 36, 42, 48};
        List<byte[]> frames = new ArrayList<>();
        for (int i : indices) {
            frames.add(TestMedia.jpeg("putting-on-mask", i));
        }
        List<String> cameras = java.util.Collections.nCopies(frames.size(), "door");
        List<FrameResult> every;
        List<FrameResult> reused;
        LabelReuse blind = new LabelReuse(8, 0.5, 0.5);
        LabelReuse seeing = new LabelReuse(8, 0.5, 0.5, 0.35);
        List<FrameResult> blindResults;
        try (FramePipeline p = pipeline(c, new CopyOnWriteArrayList<>())) {
            every = p.processEncoded(frames);
            blindResults = p.processEncoded(frames, cameras, blind);
            reused = p.processEncoded(frames, cameras, seeing);
        }
        for (FrameResult r : every) {
            assertEquals(1, r.faces().size(), "one woman: " + r.faces());
        }
        assertEquals(FaceLabel.MASK, every.get(0).faces().get(0).label(), "masked at frame 30: " + every.get(0).faces());
        assertEquals(FaceLabel.NO_MASK, every.get(3).faces().get(0).label(), "bare at frame 48: " + every.get(3).faces());
        // without the appearance check the box alone keeps the stale label (the lost alert of the demo) ...
        assertEquals(FaceLabel.MASK, blindResults.get(3).faces().get(0).label(), "box-only reuse keeps 'mask'");
        // ... with it the changed face is classified again, and the still masked frames before were reused
        assertEquals(FaceLabel.NO_MASK, reused.get(3).faces().get(0).label());
        assertTrue(seeing.changedCount() >= 1, "changed: " + seeing.changedCount());
        assertTrue(seeing.reusedCount() >= 1, "the masked frames looked alike and were reused: " + seeing.reusedCount());
        for (int i = 0; i < 3; i++) {
            assertEquals(every.get(i).faces().get(0).label(), reused.get(i).faces().get(0).label(), "frame " + indices[i]);
        }
    }

    @Test
    void aFrameThatDidNotChangeKeepsItsCamerasLastDetections() {
        DetectorConfig c = TestMedia.config("retinaface+ultraface");
        // the same frame twice, then a frame 3 s later (the woman moved): detect, gate, detect
        List<byte[]> frames = List.of(TestMedia.jpeg("putting-on-mask", 30), TestMedia.jpeg("putting-on-mask", 30),
                TestMedia.jpeg("putting-on-mask", 105));
        List<Timing> timings = new CopyOnWriteArrayList<>();
        LabelReuse gate = new LabelReuse(4, 0.5, 0.5, 0.35, 8.0);
        List<FrameResult> rs;
        try (FramePipeline p = pipeline(c, timings)) {
            rs = p.processEncoded(frames, java.util.Collections.nCopies(3, "door"), gate);
        }
        assertEquals(1, gate.gatedCount());
        assertEquals(2, timings.stream().filter(t -> t.stage() == Stage.DETECT).count(), timings.toString());
        assertEquals(rs.get(0).faces().stream().map(Face::box).toList(), rs.get(1).faces().stream().map(Face::box).toList());
        assertEquals(1, rs.get(2).faces().size(), "detected again: " + rs.get(2).faces());
        gate.forget(List.of("door"));
        assertEquals(0, gate.cameras());
    }

    @Test
    void faceCropsPolicyKeepsCompliantFacesInsideTheDetector() {
        DetectorConfig defaults = TestMedia.config("blazeface");
        assertEquals(DetectorConfig.FaceCropPolicy.UNMASKED_ONLY, defaults.faceCropPolicy(), "the default");
        for (Face f : maskedAndUnmasked(defaults)) {
            boolean masked = f.label() == FaceLabel.MASK;
            assertEquals(!masked, f.cropJpeg() != null, f.label() + " crop under unmasked-only");
            assertEquals(!masked, f.heatmapJpeg() != null, f.label() + " heat map under unmasked-only");
        }
        // heatmaps: all cannot leak a masked face that face-crops keeps back
        for (Face f : maskedAndUnmasked(defaults.withImages(DetectorConfig.HeatmapPolicy.ALL,
                DetectorConfig.FaceCropPolicy.UNMASKED_ONLY))) {
            assertEquals(f.label() != FaceLabel.MASK, f.heatmapJpeg() != null, f.label() + " heat map");
        }
        for (Face f : maskedAndUnmasked(defaults.with("face-crops", "all"))) {
            assertNotNull(f.cropJpeg(), f.label() + " crop under all");
            try (Mat crop = Jpeg.decode(f.cropJpeg())) {
                assertTrue(crop.cols() > 16, "a real face JPEG");
            }
            assertEquals(f.label() != FaceLabel.MASK, f.heatmapJpeg() != null, "heat maps still follow heatmaps: no_mask");
        }
        for (Face f : maskedAndUnmasked(defaults.with("face-crops", "none"))) {
            assertNull(f.cropJpeg(), f.label() + " crop under none");
            assertNull(f.heatmapJpeg(), f.label() + " heat map under none");
        }
    }

    @Test
    void twoThreadsGiveTheSameFacesAsOne() {
        DetectorConfig one = TestMedia.config("blazeface").withImages(DetectorConfig.HeatmapPolicy.ALL, DetectorConfig.FaceCropPolicy.ALL);
        DetectorConfig two = one.withService(2, 8, 0, "g", 0);
        List<byte[]> batch = List.of(TestMedia.jpeg("four-people-masks-on-off", 0),
                TestMedia.jpeg("four-people-masks-on-off", 300), TestMedia.jpeg("one-man-no-mask", 50),
                TestMedia.jpeg("putting-on-mask", 125));
        List<FrameResult> a, b;
        try (FramePipeline p = pipeline(one, new ArrayList<>())) {
            a = p.processEncoded(batch);
        }
        try (FramePipeline p = pipeline(two, new ArrayList<>())) {
            b = p.processEncoded(batch);
        }
        TestMedia.assertFourPeople(a.get(0).faces().stream().map(Face::box).toList());
        assertEquals(0, a.get(3).faces().size(), "no face in the close-up of a mask");
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).faces().size(), b.get(i).faces().size());
            for (int k = 0; k < a.get(i).faces().size(); k++) {
                Face fa = a.get(i).faces().get(k), fb = b.get(i).faces().get(k);
                assertEquals(fa.box(), fb.box());
                assertEquals(fa.label(), fb.label());
                assertNotNull(fa.heatmapJpeg(), "policy all: every face has a heat map");
                assertNotNull(fa.cropJpeg(), "face-crops all: every face has a crop");
            }
        }
    }

    @Test
    void detectingOneBatchWhileClassifyingTheLastGivesTheSameFaces() throws Exception {
        DetectorConfig c = TestMedia.config("blazeface").withImages(DetectorConfig.HeatmapPolicy.NONE, DetectorConfig.FaceCropPolicy.NONE).withService(2, 8, 0, "g", 0);
        List<byte[]> jpegs = List.of(TestMedia.jpeg("four-people-masks-on-off", 0),
                TestMedia.jpeg("one-man-no-mask", 50), TestMedia.jpeg("four-people-masks-on-off", 300));
        List<Mat> frames = jpegs.stream().map(Jpeg::decode).toList();
        try (FramePipeline p = pipeline(c, new ArrayList<>())) {
            List<FrameResult> whole = p.processDecoded(frames);
            // Batch 1 classifies on another thread while batch 2 is detected, as analyze does.
            FramePipeline.DetectedBatch first = p.detectDecoded(frames.subList(0, 2));
            var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                var classified = pool.submit(() -> p.classify(first));
                List<FrameResult> second = p.classify(p.detectDecoded(frames.subList(2, 3)));
                List<FrameResult> split = new ArrayList<>(classified.get());
                split.addAll(second);
                assertEquals(whole.size(), split.size());
                TestMedia.assertFourPeople(split.get(0).faces().stream().map(Face::box).toList());
                for (int i = 0; i < whole.size(); i++) {
                    assertEquals(whole.get(i).faces().stream().map(f -> f.box() + " " + f.label()).toList(),
                            split.get(i).faces().stream().map(f -> f.box() + " " + f.label()).toList());
                }
            } finally {
                pool.shutdownNow();
            }
        } finally {
            frames.forEach(Mat::close);
        }
    }

    @Test
    void cropsModeClassifiesWholeImages() throws Exception {
        try (FramePipeline p = FramePipeline.forCrops(DetectorConfig.defaults().withImages(DetectorConfig.HeatmapPolicy.NONE, DetectorConfig.FaceCropPolicy.NONE),
                MaskLabeller.load(TestMedia.classifierDir()));
             Mat m = Jpeg.decode(TestMedia.jpeg("one-man-no-mask", 0))) {
            List<FrameResult> rs = p.classifyCrops(List.of(m));
            Face f = rs.get(0).faces().get(0);
            assertEquals(0, f.box().x1());
            assertEquals(1280, f.box().x2());
            assertEquals("none", p.detectorName());
        }
    }
}
