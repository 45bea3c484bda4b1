package io.maskwatch.app.demo;

/**
 * What a demo run saw, as printed at the end and written by {@code --summary FILE}.
 *
 * @param persons    tracks with a confirmed status (masked, unmasked or mask below the nose)
 * @param incorrect  persons whose mask sits below the nose (non-compliant by default)
 * @param compliance masked / persons, null when nobody was confirmed
 */
public record DemoSummary(long frames, long faces, long persons, long masked, long unmasked, long incorrect,
                          long alerts, Double compliance) {

    public String toJson() {
        return "{\"frames\": " + frames + ", \"faces\": " + faces + ", \"persons\": " + persons
                + ", \"masked\": " + masked + ", \"unmasked\": " + unmasked + ", \"incorrect\": " + incorrect
                + ", \"alerts\": " + alerts
                + ", \"compliance\": " + (compliance == null ? "null" : String.format(java.util.Locale.ROOT, "%.4f", compliance))
                + "}";
    }
}
