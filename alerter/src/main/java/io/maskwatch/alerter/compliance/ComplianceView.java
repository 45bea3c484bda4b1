package io.maskwatch.alerter.compliance;

import io.maskwatch.common.contract.ComplianceWindow;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rolling view of compliance: the latest record of every recent window per camera (and
 * {@code _facility}), fed from the compliance topic. "Rolling 15 minutes" is the sum of the last
 * rolling-ms / window-ms windows up to the current one (wall clock). Backs the gauges
 * {@code maskwatch.alerter.compliance.ratio} and {@code maskwatch.alerter.persons.recent} and the API.
 */
public final class ComplianceView {
    /** Counts over the rolling span. */
    public record Rolling(long fromMs, long toMs, ComplianceCounts counts) {
        public Double compliance() {
            return counts.compliance();
        }
    }

    private final ComplianceConfig cfg;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<String, TreeMap<Long, ComplianceWindow>> windows = new HashMap<>();

    /** @param registry where gauges are registered as cameras appear; null for none */
    public ComplianceView(ComplianceConfig cfg, Clock clock, MeterRegistry registry) {
        this.cfg = cfg;
        this.clock = clock;
        this.registry = registry;
    }

    public void apply(ComplianceWindow w) {
        boolean isNew;
        synchronized (this) {
            TreeMap<Long, ComplianceWindow> perKey = windows.get(w.cameraId());
            isNew = perKey == null;
            if (isNew) {
                perKey = new TreeMap<>();
                windows.put(w.cameraId(), perKey);
            }
            perKey.put(w.windowStartMs(), w);
            long keepFrom = rollingFrom() - cfg.windowMs();
            while (!perKey.isEmpty() && perKey.firstKey() < keepFrom && perKey.size() > 1) {
                perKey.pollFirstEntry();
            }
        }
        if (isNew && registry != null) {
            register(w.cameraId());
        }
    }

    private long rollingFrom() {
        long now = clock.millis();
        long current = now - Math.floorMod(now, cfg.windowMs());
        return current - cfg.rollingMs() + cfg.windowMs();
    }

    public synchronized List<String> keys() {
        List<String> k = new ArrayList<>(windows.keySet());
        k.sort(String::compareTo);
        return k;
    }

    public synchronized Rolling rolling(String key) {
        long from = rollingFrom();
        ComplianceCounts sum = ComplianceCounts.ZERO;
        TreeMap<Long, ComplianceWindow> perKey = windows.get(key);
        if (perKey != null) {
            for (ComplianceWindow w : perKey.tailMap(from, true).values()) {
                sum = sum.plus(ComplianceCounts.of(w));
            }
        }
        return new Rolling(from, from + cfg.rollingMs(), sum);
    }

    /** The windows of a key within the rolling span, oldest first (a sparkline's points). */
    public synchronized List<ComplianceWindow> windows(String key) {
        TreeMap<Long, ComplianceWindow> perKey = windows.get(key);
        return perKey == null ? List.of() : List.copyOf(perKey.tailMap(rollingFrom(), true).values());
    }

    /** The newest window of a key, or null. */
    public synchronized ComplianceWindow latest(String key) {
        TreeMap<Long, ComplianceWindow> perKey = windows.get(key);
        return perKey == null || perKey.isEmpty() ? null : perKey.lastEntry().getValue();
    }

    private void register(String key) {
        Gauge.builder("maskwatch.alerter.compliance.ratio", this, v -> {
                    Double r = v.rolling(key).compliance();
                    return r == null ? Double.NaN : r;
                }).tag("camera", key)
                .description("masked / (masked + unmasked + incorrect) persons over the rolling span (15 min); NaN when nobody was decided")
                .register(registry);
        for (String status : List.of("masked", "unmasked", "incorrect", "uncertain")) {
            Gauge.builder("maskwatch.alerter.persons.recent", this, v -> {
                        ComplianceCounts c = v.rolling(key).counts();
                        return switch (status) {
                            case "masked" -> c.masked();
                            case "unmasked" -> c.unmasked();
                            case "incorrect" -> c.incorrect();
                            default -> c.uncertain();
                        };
                    }).tags("camera", key, "status", status)
                    .description("persons counted over the rolling span (15 min), by voted status (incorrect = mask below nose)")
                    .register(registry);
        }
    }
}
