package io.maskwatch.detector.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.ConfigException;
import io.maskwatch.common.contract.FaceLabel;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassifierLabelsTest {
    @Test
    void labelsByNameInAnyOrder() {
        assertEquals(List.of(FaceLabel.MASK, FaceLabel.NO_MASK), ClassifierLabels.of(List.of("mask", "no_mask")));
        assertEquals(List.of(FaceLabel.NO_MASK, FaceLabel.MASK), ClassifierLabels.of(List.of("no_mask", "mask")));
        assertEquals(List.of(FaceLabel.MASK, FaceLabel.NO_MASK, FaceLabel.INCORRECT),
                ClassifierLabels.of(List.of("mask", "no_mask", "incorrect")));
        assertEquals(List.of(FaceLabel.INCORRECT, FaceLabel.MASK, FaceLabel.NO_MASK),
                ClassifierLabels.of(List.of("with_incorrect_mask", "with_mask", "without_mask")));
    }

    @Test
    void rejectsUnknownRepeatedOrMissingClasses() {
        var unknown = assertThrows(ConfigException.class, () -> ClassifierLabels.of(List.of("mask", "no_mask", "hat")));
        assertTrue(unknown.getMessage().contains("'hat'"), unknown.getMessage());
        var twice = assertThrows(ConfigException.class, () -> ClassifierLabels.of(List.of("mask", "with_mask", "no_mask")));
        assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
        var missing = assertThrows(ConfigException.class, () -> ClassifierLabels.of(List.of("mask", "incorrect")));
        assertTrue(missing.getMessage().contains("must include mask and no_mask"), missing.getMessage());
    }

    @Test
    void jointConfidenceIsFaceTimesLabel() {
        assertEquals(0.45, FaceConfidence.joint(0.5, 0.9), 1e-12);
        assertEquals(0.9, FaceConfidence.joint(1.02, 0.9), 1e-12, "face scores above 1 are clamped");
        assertEquals(0.0, FaceConfidence.joint(Double.NaN, 0.9), 1e-12);
    }
}
