package io.maskwatch.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The model committed in models/mask-classifier/ on real test crops from ../shared. */
class CommittedModelTest {
    private static final int PER_CLASS = 50;

    @Test
    void committedModelClassifiesRealTestCrops() throws IOException {
        Path modelDir = TestModels.projectDir().resolve("models/mask-classifier");
        Path shared = TestModels.sharedDir();
        assumeTrue(shared != null, "../shared/datasets/face-masks not found (set -Dmaskwatch.shared.dir or "
                + "MASKWATCH_SHARED_DIR); skipping the real-crop check");
        try (MaskClassifier c = MaskClassifier.load(modelDir)) {
            assertEquals(List.of("mask", "no_mask"), c.classes());
            List<RgbImage> crops = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            for (int label = 0; label < c.classes().size(); label++) {
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
            List<Classification> results = c.classify(crops, true);
            int correct = 0;
            double[] centroid = new double[2];
            int[] counted = new int[2];
            for (int i = 0; i < results.size(); i++) {
                Classification r = results.get(i);
                if (r.predicted() == labels.get(i)) {
                    correct++;
                    centroid[r.predicted()] += verticalCentroid(r.cam());
                    counted[r.predicted()]++;
                }
            }
            double accuracy = (double) correct / results.size();
            assertTrue(accuracy >= 0.9, "accuracy on " + results.size() + " real test crops: " + accuracy);
            // Where the evidence sits (0 = top of the crop, 1 = bottom). Unmasked: mouth and chin.
            // Masked: the mask's upper edge across the nose, mid-face, not hair or forehead.
            double mask = centroid[0] / counted[0];
            double noMask = centroid[1] / counted[1];
            assertTrue(noMask > 0.6, "no_mask heat map should sit on the lower face, centroid at " + noMask);
            assertTrue(mask > 0.35 && mask < 0.7, "mask heat map should sit mid-face on the mask, centroid at " + mask);
        }
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
