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
            double lowerMaskShare = 0;
            int masked = 0;
            for (int i = 0; i < results.size(); i++) {
                Classification r = results.get(i);
                if (r.predicted() == labels.get(i)) {
                    correct++;
                }
                if (labels.get(i) == 0 && r.predicted() == 0) {
                    lowerMaskShare += lowerHalfShare(r.cam());
                    masked++;
                }
            }
            double accuracy = (double) correct / results.size();
            assertTrue(accuracy >= 0.9, "accuracy on " + results.size() + " real test crops: " + accuracy);
            // For a mask, the evidence should lie on the lower face where the mask is.
            double lower = lowerMaskShare / masked;
            assertTrue(lower > 0.55, "share of the mask heat map in the lower half of the face: " + lower);
        }
    }

    static double lowerHalfShare(ClassActivationMap cam) {
        double top = 0;
        double bottom = 0;
        for (int y = 0; y < cam.height(); y++) {
            for (int x = 0; x < cam.width(); x++) {
                if (y < cam.height() / 2) {
                    top += cam.get(x, y);
                } else {
                    bottom += cam.get(x, y);
                }
            }
        }
        return top + bottom == 0 ? 0.5 : bottom / (top + bottom);
    }
}
