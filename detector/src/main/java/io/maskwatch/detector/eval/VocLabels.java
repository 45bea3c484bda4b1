package io.maskwatch.detector.eval;

import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.detector.eval.VocDataset.VocImage;
import io.maskwatch.detector.eval.VocDataset.VocObject;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Maps the object names of face-mask VOC datasets to MaskWatch labels.
 *
 * <ul>
 *   <li>mask: with_mask, mask, face_mask, face_with_mask, masked, mask_on</li>
 *   <li>no_mask: without_mask, no_mask, nomask, face, face_no_mask, unmasked, no_face_mask, mask_off</li>
 *   <li>incorrect: with_incorrect_mask, mask_weared_incorrect, mask_worn_incorrectly, incorrect,
 *       incorrect_mask, face_with_mask_incorrect, improperly_worn</li>
 * </ul>
 * Case, spaces and dashes are ignored ("With Mask" = with_mask). Any other name is an error
 * ({@link #requireKnown}) unless the user maps it ({@link #withMapping}), also to {@code ignore}:
 * silently skipping an unknown class would report recall on a set that is not the one labelled.
 */
public final class VocLabels {
    /** A set uses object names that are neither built in nor mapped. */
    public static final class UnknownNamesException extends IOException {
        public UnknownNamesException(String message) {
            super(message);
        }
    }

    /** The mapping target that leaves a name's objects unscored (like VOC difficult). */
    public static final String IGNORE = "ignore";

    private static final Map<String, FaceLabel> NAMES = Map.ofEntries(
            Map.entry("with_mask", FaceLabel.MASK), Map.entry("mask", FaceLabel.MASK),
            Map.entry("face_mask", FaceLabel.MASK), Map.entry("face_with_mask", FaceLabel.MASK),
            Map.entry("masked", FaceLabel.MASK), Map.entry("mask_on", FaceLabel.MASK),
            Map.entry("without_mask", FaceLabel.NO_MASK), Map.entry("no_mask", FaceLabel.NO_MASK),
            Map.entry("nomask", FaceLabel.NO_MASK), Map.entry("face", FaceLabel.NO_MASK),
            Map.entry("face_no_mask", FaceLabel.NO_MASK), Map.entry("unmasked", FaceLabel.NO_MASK),
            Map.entry("no_face_mask", FaceLabel.NO_MASK), Map.entry("mask_off", FaceLabel.NO_MASK),
            Map.entry("with_incorrect_mask", FaceLabel.INCORRECT),
            Map.entry("mask_weared_incorrect", FaceLabel.INCORRECT), Map.entry("mask_worn_incorrectly", FaceLabel.INCORRECT),
            Map.entry("mask_worn_incorrect", FaceLabel.INCORRECT), Map.entry("incorrect", FaceLabel.INCORRECT),
            Map.entry("incorrect_mask", FaceLabel.INCORRECT), Map.entry("face_with_mask_incorrect", FaceLabel.INCORRECT),
            Map.entry("improperly_worn", FaceLabel.INCORRECT));

    /** Normalised name to label; a null value means "ignore". */
    private final Map<String, FaceLabel> names;

    private VocLabels(Map<String, FaceLabel> names) {
        this.names = names;
    }

    /** The built-in names only. */
    public static VocLabels standard() {
        return new VocLabels(new HashMap<>(NAMES));
    }

    /**
     * The built-in names plus (or overridden by) {@code spec}: {@code NAME=LABEL[,NAME=LABEL...]},
     * LABEL one of mask, no_mask, incorrect, ignore.
     *
     * @throws IllegalArgumentException saying which entry is malformed
     */
    public static VocLabels withMapping(String spec) {
        Map<String, FaceLabel> m = new HashMap<>(NAMES);
        if (spec != null && !spec.isBlank()) {
            for (String entry : spec.split(",")) {
                int eq = entry.indexOf('=');
                if (eq <= 0 || eq == entry.length() - 1) {
                    throw new IllegalArgumentException("--map entry '" + entry.trim()
                            + "' must be NAME=LABEL with LABEL mask, no_mask, incorrect or ignore");
                }
                String name = key(entry.substring(0, eq));
                String target = entry.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
                if (target.equals(IGNORE)) {
                    m.put(name, null);
                } else {
                    try {
                        m.put(name, FaceLabel.fromWire(target));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--map entry '" + entry.trim() + "': '" + target
                                + "' is not mask, no_mask, incorrect or ignore");
                    }
                }
            }
        }
        return new VocLabels(m);
    }

    public boolean known(String vocName) {
        return vocName != null && names.containsKey(key(vocName));
    }

    /** The label of a known VOC object name; empty when it is mapped to ignore or unknown. */
    public Optional<FaceLabel> label(String vocName) {
        return vocName == null ? Optional.empty() : Optional.ofNullable(names.get(key(vocName)));
    }

    /**
     * Checks every object name of a set before anything runs.
     *
     * @throws UnknownNamesException listing each unknown name with its count and the first file that uses it
     */
    public void requireKnown(List<VocImage> set) throws UnknownNamesException {
        Map<String, Integer> counts = new TreeMap<>();
        Map<String, String> firstFile = new LinkedHashMap<>();
        for (VocImage vi : set) {
            for (VocObject o : vi.objects()) {
                if (!known(o.name())) {
                    String n = String.valueOf(o.name());
                    counts.merge(n, 1, Integer::sum);
                    firstFile.putIfAbsent(n, String.valueOf(vi.annotation()));
                }
            }
        }
        if (counts.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder("the annotations use object names MaskWatch does not know:");
        counts.forEach((n, c) -> sb.append("\n  '").append(n).append("' (").append(c).append(" objects, first in ")
                .append(firstFile.get(n)).append(')'));
        sb.append("\nKnown names: with_mask, without_mask, with_incorrect_mask and the synonyms in docs/DETECTOR.md. "
                + "Map the others with --map NAME=LABEL[,NAME=LABEL] (LABEL mask, no_mask, incorrect or ignore), "
                + "e.g. --map '").append(counts.keySet().iterator().next()).append("=ignore'.");
        throw new UnknownNamesException(sb.toString());
    }

    static String key(String vocName) {
        return vocName.trim().toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
    }
}
