package io.maskwatch.detector.pipeline;

/** Pipeline stages, as timed in {@code maskwatch.detector.stage{stage=...}}. */
public enum Stage {
    DECODE, DETECT, CLASSIFY, HEATMAP;

    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
