package io.maskwatch.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The model committed in models/mask-classifier/ on real faces from ../shared: crops of the test split
 * of the crop set (mask, no_mask) and incorrectly worn masks cut from the scenes-ilc eval split (never
 * trained on). Also where each class's heat map puts its evidence.
 */
class CommittedModelTest {
    private static final int PER_CLASS = 50;
    private static final int INCORRECT_FACES = 60;

    @Test
    void committedModelClassifiesRealTestCrops() throws IOException {
        Path modelDir = TestModels.projectDir().resolve("models/mask-classifier");
        Path shared = TestModels.sharedDir();
        assumeTrue(shared != null, "../shared/datasets/face-masks not found (set -Dmaskwatch.shared.dir or "
                + "MASKWATCH_SHARED_DIR); skipping the real-crop check");
        try (MaskClassifier c = MaskClassifier.load(modelDir)) {
            assertEquals(List.of("mask", "no_mask", "incorrect"), c.classes());
            List<RgbImage> crops = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            for (int label = 0; label < 2; label++) {
                Path dir = shared.resolve("datasets/face-masks/test").resolve(c.classes().get(label));
                List<Path> files;
                try (Stream<Path> s = Files.list(dir)) {
                    files = s.sorted().limit(PER_CLASS).toList();
                }
                for (Path f : files) {
                    crops.add(RgbImage.read(f));
                    labels.add(label);
                }
            }
            List<RgbImage> incorrect = incorrectlyWornMasks(shared.resolve("datasets/scenes-ilc/eval"));
            crops.addAll(incorrect);
            incorrect.forEach(x -> labels.add(2));

            List<Classification> results = c.classify(crops, true);
            int[] correct = new int[3];
            int[] total = new int[3];
            int nonCompliantIncorrect = 0;
            double[] centroid = new double[3];
            int[] counted = new int[3];
            for (int i = 0; i < results.size(); i++) {
                Classification r = results.get(i);
                int truth = labels.get(i);
                total[truth]++;
                if (truth == 2 && r.predicted() != 0) {
                    nonCompliantIncorrect++;
                }
                if (r.predicted() == truth) {
                    correct[truth]++;
                    centroid[truth] += verticalCentroid(r.cam());
                    counted[truth]++;
                }
            }
            String summary = "correct mask " + correct[0] + "/" + total[0] + ", no_mask " + correct[1] + "/" + total[1]
                    + ", incorrect " + correct[2] + "/" + total[2] + " (non-compliant " + nonCompliantIncorrect + ")";
            assertTrue(correct[0] + correct[1] >= 0.95 * (total[0] + total[1]), summary);
            // Measured on all 183 eval crops: 0.84 called incorrect, 0.90 non-compliant; a real scene is harder.
            assertTrue(total[2] >= 40, "incorrectly worn masks cut from the eval split: " + total[2]);
            assertTrue(correct[2] >= 0.6 * total[2], summary);
            assertTrue(nonCompliantIncorrect >= 0.75 * total[2], summary);

            // Where the evidence sits (0 = top of the crop, 1 = bottom). Unmasked: mouth and chin. Masked:
            // the mask on the lower face. Below the nose: the uncovered nose / mask edge, between the two.
            double mask = centroid[0] / counted[0];
            double noMask = centroid[1] / counted[1];
            double wrong = centroid[2] / counted[2];
            String where = "heat-map centroids mask " + mask + ", no_mask " + noMask + ", incorrect " + wrong;
            System.out.println(where);
            assertTrue(noMask > 0.55, where);
            assertTrue(mask > 0.35 && mask < 0.8, where);
            assertTrue(wrong > 0.3 && wrong < 0.8, where);
        }
    }

    /** Squares round the first {@link #INCORRECT_FACES} with_incorrect_mask boxes (>= 32 px) of a VOC split. */
    static List<RgbImage> incorrectlyWornMasks(Path voc) throws IOException {
        Pattern object = Pattern.compile("<object>.*?<name>\\s*with_incorrect_mask\\s*</name>.*?<xmin>([\\d.]+)</xmin>"
                + "\\s*<ymin>([\\d.]+)</ymin>\\s*<xmax>([\\d.]+)</xmax>\\s*<ymax>([\\d.]+)</ymax>", Pattern.DOTALL);
        List<RgbImage> out = new ArrayList<>();
        List<Path> xmls;
        try (Stream<Path> s = Files.list(voc.resolve("annotations"))) {
            xmls = s.sorted().toList();
        }
        for (Path xml : xmls) {
            Matcher m = object.matcher(Files.readString(xml));
            BufferedImage img = null;
            while (m.find() && out.size() < INCORRECT_FACES) {
                double x1 = Double.parseDouble(m.group(1)), y1 = Double.parseDouble(m.group(2));
                double x2 = Double.parseDouble(m.group(3)), y2 = Double.parseDouble(m.group(4));
                if (x2 - x1 < 32) {
                    continue;
                }
                if (img == null) {
                    String name = xml.getFileName().toString().replace(".xml", ".jpg");
                    img = ImageIO.read(voc.resolve("images").resolve(name).toFile());
                }
                // The pipeline's crop: a square of the longer side round the box centre, clamped here.
                int side = (int) Math.round(Math.max(x2 - x1, y2 - y1));
                int x = (int) Math.round((x1 + x2) / 2 - side / 2.0), y = (int) Math.round((y1 + y2) / 2 - side / 2.0);
                x = Math.max(0, Math.min(img.getWidth() - side, x));
                y = Math.max(0, Math.min(img.getHeight() - side, y));
                int w = Math.min(side, img.getWidth()), h = Math.min(side, img.getHeight());
                out.add(RgbImage.fromBufferedImage(img.getSubimage(Math.max(0, x), Math.max(0, y), w, h)));
            }
            if (out.size() >= INCORRECT_FACES) {
                break;
            }
        }
        return out;
    }

    /** Mass-weighted mean row of the map, as a fraction of its height (cell centres). */
    static double verticalCentroid(ClassActivationMap cam) {
        double mass = 0;
        double weighted = 0;
        for (int y = 0; y < cam.height(); y++) {
            for (int x = 0; x < cam.width(); x++) {
                mass += cam.get(x, y);
                weighted += cam.get(x, y) * (y + 0.5) / cam.height();
            }
        }
        return mass == 0 ? 0.5 : weighted / mass;
    }
}
