package io.maskwatch.detector.mask;

import io.maskwatch.common.config.ConfigException;
import io.maskwatch.common.contract.FaceLabel;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The classifier's output classes as MaskWatch labels, matched by name (never by position), so a
 * model with classes {@code [no_mask, mask]} or {@code [mask, no_mask, incorrect]} labels faces
 * correctly. Besides the wire names, the usual dataset spellings are accepted.
 */
public final class ClassifierLabels {
    private static final Map<String, FaceLabel> ALIASES = Map.of(
            "with_mask", FaceLabel.MASK, "masked", FaceLabel.MASK,
            "without_mask", FaceLabel.NO_MASK, "unmasked", FaceLabel.NO_MASK, "nomask", FaceLabel.NO_MASK,
            "with_incorrect_mask", FaceLabel.INCORRECT, "mask_weared_incorrect", FaceLabel.INCORRECT,
            "incorrect_mask", FaceLabel.INCORRECT, "mask_worn_incorrectly", FaceLabel.INCORRECT);

    private ClassifierLabels() {
    }

    /**
     * One label per class name, in the classifier's output order.
     *
     * @throws ConfigException naming the bad class when a name is unknown, repeated, or mask/no_mask is missing
     */
    public static List<FaceLabel> of(List<String> classNames) {
        List<FaceLabel> out = new ArrayList<>();
        Set<FaceLabel> seen = EnumSet.noneOf(FaceLabel.class);
        for (String name : classNames) {
            FaceLabel l = label(name);
            if (!seen.add(l)) {
                throw new ConfigException("detector.models-dir: the classifier's classes " + classNames
                        + " name label '" + l.wireName() + "' twice; each of mask, no_mask (and incorrect) must appear once");
            }
            out.add(l);
        }
        if (!seen.contains(FaceLabel.MASK) || !seen.contains(FaceLabel.NO_MASK)) {
            throw new ConfigException("detector.models-dir: the classifier's classes " + classNames
                    + " must include mask and no_mask (optionally incorrect); is this a MaskWatch mask classifier?");
        }
        return List.copyOf(out);
    }

    private static FaceLabel label(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
        FaceLabel alias = ALIASES.get(key);
        if (alias != null) {
            return alias;
        }
        try {
            return FaceLabel.fromWire(key);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("detector.models-dir: the classifier's class '" + name
                    + "' is not a MaskWatch label (" + e.getMessage() + ")");
        }
    }
}
