package io.maskwatch.alerter.compliance;

import io.maskwatch.alerter.AlerterMetrics;
import io.maskwatch.common.contract.ComplianceWindow;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Applies compliance deltas to tumbling windows (a window store keyed by camera, or by
 * {@code _facility} after the single-partition repartition) and emits the window's new counts.
 * Every change re-emits the window: consumers keep the latest record per (key, window_start_ms).
 */
public final class ComplianceAggregator implements Processor<String, ComplianceDelta, String, ComplianceWindow> {
    private final String storeName;
    private final ComplianceConfig cfg;
    private final AlerterMetrics metrics;
    private ProcessorContext<String, ComplianceWindow> context;
    private WindowStore<String, ComplianceCounts> store;

    public ComplianceAggregator(String storeName, ComplianceConfig cfg, AlerterMetrics metrics) {
        this.storeName = storeName;
        this.cfg = cfg;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, ComplianceWindow> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, ComplianceDelta> record) {
        String key = record.key();
        ComplianceDelta d = record.value();
        if (key == null || d == null) {
            return;
        }
        long start = d.windowStartMs();
        if (start < context.currentStreamTimeMs() - cfg.retentionMs()) {
            // The window is past retention: its final counts are already on the topic.
            metrics.compliance(key, "expired");
            return;
        }
        ComplianceCounts before = store.fetch(key, start);
        ComplianceCounts after = (before == null ? ComplianceCounts.ZERO : before).plus(d);
        store.put(key, after, start);
        metrics.compliance(key, "applied");
        context.forward(new Record<>(key, after.toWindow(key, start, cfg.windowMs()), record.timestamp()));
    }
}
