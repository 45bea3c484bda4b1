package io.maskwatch.detector.eval;

import io.maskwatch.detector.pipeline.Stage;
import io.maskwatch.detector.pipeline.StageListener;
import java.util.EnumMap;
import java.util.Map;

/** Sums the pipeline's stage timings of an offline run (eval reports ms per image and per face). */
public final class StageTimes implements StageListener {
    private final Map<Stage, long[]> totals = new EnumMap<>(Stage.class);

    @Override
    public synchronized void record(Stage stage, long nanos, int items) {
        long[] t = totals.computeIfAbsent(stage, k -> new long[2]);
        t[0] += nanos;
        t[1] += items;
    }

    /** Total milliseconds spent in {@code stage}. */
    public synchronized double millis(Stage stage) {
        long[] t = totals.get(stage);
        return t == null ? 0 : t[0] / 1e6;
    }

    /** Items (frames or faces) that went through {@code stage}. */
    public synchronized long items(Stage stage) {
        long[] t = totals.get(stage);
        return t == null ? 0 : t[1];
    }
}
