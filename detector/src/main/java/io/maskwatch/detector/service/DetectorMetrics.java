package io.maskwatch.detector.service;

import io.maskwatch.common.contract.Face;
import io.maskwatch.detector.pipeline.Stage;
import io.maskwatch.detector.pipeline.StageListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The detector's meters (names shared with the dashboards; see docs/DETECTOR.md). */
public final class DetectorMetrics implements StageListener {
    public static final String PREFIX = "maskwatch.detector.";

    private final MeterRegistry registry;
    private final Map<Stage, Timer> stages = new EnumMap<>(Stage.class);
    private final Timer captureToDetection;
    private final DistributionSummary batchSize;
    private final DistributionSummary classifyBatch;
    private final Counter produceFailures;

    public DetectorMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Stage s : Stage.values()) {
            stages.put(s, Timer.builder(PREFIX + "stage").tag("stage", s.tag())
                    .description("Wall time of one pipeline stage: decode and detect per frame, classify and heatmap per batch")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(10)).register(registry));
        }
        captureToDetection = Timer.builder(PREFIX + "capture.to.detection")
                .description("From frame capture (mw.capture.ts) to its detection event being acknowledged")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
        batchSize = DistributionSummary.builder(PREFIX + "batch.size")
                .description("Frames processed per poll batch").register(registry);
        classifyBatch = DistributionSummary.builder(PREFIX + "classify.batch.faces")
                .description("Faces per classifier call (all faces of a poll batch)").baseUnit("faces").register(registry);
        // Registered up front: exported as 0 from the start, so alerts and docs can rely on the series.
        produceFailures = Counter.builder(PREFIX + "produce.failures")
                .description("Batches replayed because a detection or dead letter was not acknowledged").register(registry);
    }

    @Override
    public void record(Stage stage, long nanos, int items) {
        stages.get(stage).record(nanos, TimeUnit.NANOSECONDS);
        if (stage == Stage.CLASSIFY) {
            classifyBatch.record(items);
        }
    }

    public void processed(String camera, Iterable<Face> faces, long captureToAckMs) {
        registry.counter(PREFIX + "frames.processed", "camera", camera).increment();
        for (Face f : faces) {
            registry.counter(PREFIX + "faces", "label", f.label().wireName(), "camera", camera).increment();
        }
        captureToDetection.record(Math.max(0, captureToAckMs), TimeUnit.MILLISECONDS);
    }

    public void skipped(String camera, String reason) {
        registry.counter(PREFIX + "frames.skipped", "reason", reason, "camera", camera).increment();
    }

    public void failed(String camera, String reason) {
        registry.counter(PREFIX + "frames.failed", "reason", reason, "camera", camera).increment();
    }

    public void batch(int frames) {
        batchSize.record(frames);
    }

    /** Faces that kept the label of the camera's previous frame instead of being classified (LabelReuse). */
    public void reuse(io.maskwatch.detector.pipeline.LabelReuse reuse) {
        io.micrometer.core.instrument.FunctionCounter.builder(PREFIX + "faces.reused", reuse, r -> r.reusedCount())
                .description("Faces that kept the label of the same face in the camera's previous frame (not classified)")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(PREFIX + "faces.classified", reuse, r -> r.classifiedCount())
                .description("Faces run through the classifier while label reuse is on").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(PREFIX + "faces.changed", reuse, r -> r.changedCount())
                .description("Faces classified again, though their box stayed, because they looked different (label reuse)")
                .register(registry);
    }

    /** Batches replayed because a detection or dead letter was not acknowledged. */
    public Counter produceFailures() {
        return produceFailures;
    }
}
