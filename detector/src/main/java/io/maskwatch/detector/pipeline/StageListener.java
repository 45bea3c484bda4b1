package io.maskwatch.detector.pipeline;

/** Receives stage timings (the service feeds Micrometer timers, the benchmark its own histograms). */
@FunctionalInterface
public interface StageListener {
    StageListener NONE = (stage, nanos, items) -> { };

    /**
     * @param nanos wall time of the stage
     * @param items frames (decode, detect) or faces (classify, heatmap) it covered
     */
    void record(Stage stage, long nanos, int items);
}
