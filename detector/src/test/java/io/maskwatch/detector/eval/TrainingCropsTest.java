package io.maskwatch.detector.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import io.maskwatch.common.contract.Box;
import io.maskwatch.detector.TestMedia;
import io.maskwatch.detector.eval.VocDataset.VocImage;
import io.maskwatch.detector.eval.VocDataset.VocObject;
import io.maskwatch.detector.face.DetectedFace;
import io.maskwatch.detector.pipeline.FramePipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code crops} on hand-labelled clip frames with the default detector. */
class TrainingCropsTest {
    @TempDir
    Path tmp;

    @Test
    void greedyMatchGivesEachFaceTheBestScoredDetectionAboveIou04() {
        List<VocObject> objs = List.of(new VocObject("mask", new Box(0, 0, 100, 100), false),
                new VocObject("no_mask", new Box(200, 0, 300, 100), false));
        DetectedFace strong = new DetectedFace(new Box(5, 5, 100, 105), 0.9f, null);
        DetectedFace weakSame = new DetectedFace(new Box(0, 0, 95, 95), 0.5f, null);
        DetectedFace offset = new DetectedFace(new Box(250, 0, 350, 100), 0.8f, null); // IoU 1/3 < 0.4
        DetectedFace[] m = TrainingCrops.matchGreedy(List.of(weakSame, offset, strong), objs, List.of(0, 1));
        assertEquals(strong, m[0], "the higher face score wins, not the higher IoU");
        assertEquals(null, m[1], "IoU below 0.4 is no match: the face is cut from its labelled box");
    }

    @Test
    void writesDetectorCropsByLabelledClassWithManifest() throws Exception {
        Path voc = tmp.resolve("voc");
        List<ClipVocSet.Frame> frames = ClipVocSet.frames(TestMedia.shared(), 3);
        try {
            ClipVocSet.writeFrames(frames, voc);
        } finally {
            frames.forEach(f -> f.image().close());
        }
        List<VocImage> set = VocDataset.read(voc);
        long wanted = set.stream().flatMap(v -> v.objects().stream())
                .filter(o -> !o.difficult() && o.box().width() >= 32).count();
        Path out = tmp.resolve("out");
        try (FramePipeline p = FramePipeline.forDetection(TestMedia.config("blazeface"), Map.of())) {
            TrainingCrops.Summary s = new TrainingCrops(p, VocLabels.standard(), 32).run(voc, out, "train", null);
            assertEquals(set.size(), s.images());
            List<String> rows = Files.readAllLines(out.resolve("train/MANIFEST.tsv"));
            assertEquals("file\timage\tbox\tlabel\tsource\tiou\twidth\tgt_box", rows.get(0));
            assertEquals(wanted, rows.size() - 1, "one crop per labelled face >= 32 px");
            long fromDetector = rows.stream().skip(1).filter(r -> r.split("\t")[4].equals("detector")).count();
            assertTrue(fromDetector >= 0.85 * wanted, fromDetector + " of " + wanted + " cut from detections");
            for (String r : rows.subList(1, rows.size())) {
                String[] c = r.split("\t");
                assertTrue(c[0].startsWith("train/" + c[3] + "/"), r);
                if (c[4].equals("detector")) {
                    assertTrue(Double.parseDouble(c[5]) >= TrainingCrops.MATCH_IOU, r);
                } else {
                    assertEquals(c[7], c[2], "a missed face is cut from its labelled box: " + r);
                }
                try (Mat m = imread(out.resolve(c[0]).toString())) {
                    assertTrue(!m.empty() && m.cols() == m.rows() && m.cols() <= TrainingCrops.MAX_SIDE, r);
                    String[] b = c[2].split(",");
                    double side = Math.max(Double.parseDouble(b[2]) - Double.parseDouble(b[0]),
                            Double.parseDouble(b[3]) - Double.parseDouble(b[1]));
                    // margin 0: the crop is the box's longer side at native resolution (boxes rounded in the TSV)
                    assertEquals(Math.min(side, TrainingCrops.MAX_SIDE), m.cols(), 2.0, r);
                }
            }
            IOException again = assertThrows(IOException.class,
                    () -> new TrainingCrops(p, VocLabels.standard(), 32).run(voc, out, "train", null));
            assertTrue(again.getMessage().contains("not empty"), again.getMessage());
        }
    }
}
