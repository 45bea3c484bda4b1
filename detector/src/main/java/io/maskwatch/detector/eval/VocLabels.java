package io.maskwatch.detector.eval;

import io.maskwatch.common.contract.FaceLabel;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Maps the object names of common face-mask VOC datasets to MaskWatch labels.
 *
 * <ul>
 *   <li>mask: with_mask, mask, face_mask, face_with_mask, masked, mask_on</li>
 *   <li>no_mask: without_mask, no_mask, nomask, face, face_no_mask, unmasked, no_face_mask, mask_off</li>
 *   <li>incorrect: mask_weared_incorrect, mask_worn_incorrectly, incorrect, incorrect_mask,
 *       face_with_mask_incorrect, improperly_worn - scored as {@link IncorrectPolicy} says</li>
 * </ul>
 * Case, spaces and dashes are ignored ("With Mask" = with_mask). Unknown names are not scored.
 */
public final class VocLabels {
    /** What a badly worn mask counts as: not scored (default), a missing mask, or a mask. */
    public enum IncorrectPolicy { IGNORE, NO_MASK, MASK }

    private static final Map<String, FaceLabel> NAMES = Map.ofEntries(
            Map.entry("with_mask", FaceLabel.MASK), Map.entry("mask", FaceLabel.MASK),
            Map.entry("face_mask", FaceLabel.MASK), Map.entry("face_with_mask", FaceLabel.MASK),
            Map.entry("masked", FaceLabel.MASK), Map.entry("mask_on", FaceLabel.MASK),
            Map.entry("without_mask", FaceLabel.NO_MASK), Map.entry("no_mask", FaceLabel.NO_MASK),
            Map.entry("nomask", FaceLabel.NO_MASK), Map.entry("face", FaceLabel.NO_MASK),
            Map.entry("face_no_mask", FaceLabel.NO_MASK), Map.entry("unmasked", FaceLabel.NO_MASK),
            Map.entry("no_face_mask", FaceLabel.NO_MASK), Map.entry("mask_off", FaceLabel.NO_MASK),
            Map.entry("mask_weared_incorrect", FaceLabel.INCORRECT), Map.entry("mask_worn_incorrectly", FaceLabel.INCORRECT),
            Map.entry("mask_worn_incorrect", FaceLabel.INCORRECT), Map.entry("incorrect", FaceLabel.INCORRECT),
            Map.entry("incorrect_mask", FaceLabel.INCORRECT), Map.entry("face_with_mask_incorrect", FaceLabel.INCORRECT),
            Map.entry("improperly_worn", FaceLabel.INCORRECT));

    private VocLabels() {
    }

    /** The label of a VOC object name, before the incorrect policy; empty when unknown. */
    public static Optional<FaceLabel> of(String vocName) {
        if (vocName == null) {
            return Optional.empty();
        }
        String key = vocName.trim().toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
        return Optional.ofNullable(NAMES.get(key));
    }

    /** The label scored for a VOC object name under {@code policy}; empty = not scored. */
    public static Optional<FaceLabel> scored(String vocName, IncorrectPolicy policy) {
        return of(vocName).flatMap(l -> {
            if (l != FaceLabel.INCORRECT) {
                return Optional.of(l);
            }
            return switch (policy) {
                case IGNORE -> Optional.empty();
                case NO_MASK -> Optional.of(FaceLabel.NO_MASK);
                case MASK -> Optional.of(FaceLabel.MASK);
            };
        });
    }
}
