package io.maskwatch.app.demo;

/**
 * What a demo run saw, as printed at the end and written by {@code --summary FILE}.
 *
 * @param persons    tracks with a confirmed status (masked or unmasked)
 * @param compliance masked / (masked + unmasked), null when nobody was confirmed
 */
public record DemoSummary(long frames, long faces, long persons, long masked, long unmasked, long alerts,
                          Double compliance) {

    public String toJson() {
        return "{\"frames\": " + frames + ", \"faces\": " + faces + ", \"persons\": " + persons
                + ", \"masked\": " + masked + ", \"unmasked\": " + unmasked + ", \"alerts\": " + alerts
                + ", \"compliance\": " + (compliance == null ? "null" : String.format(java.util.Locale.ROOT, "%.4f", compliance))
                + "}";
    }
}
