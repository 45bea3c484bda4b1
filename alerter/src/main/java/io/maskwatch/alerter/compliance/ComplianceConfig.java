package io.maskwatch.alerter.compliance;

import java.util.ArrayList;
import java.util.List;

/**
 * @param windowMs    size of the tumbling windows written to the compliance topic (1 minute)
 * @param rollingMs   span of the rolling view behind the gauges and the API (15 minutes); a multiple of windowMs
 * @param retentionMs how long window counts stay correctable (a person's status may change later)
 */
public record ComplianceConfig(long windowMs, long rollingMs, long retentionMs) {

    public static ComplianceConfig defaults() {
        return new ComplianceConfig(60_000, 15 * 60_000, 3_600_000);
    }

    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (windowMs < 1_000) {
            out.add("window-ms must be >= 1000, got " + windowMs);
        } else {
            if (rollingMs < windowMs || rollingMs % windowMs != 0) {
                out.add("rolling-ms must be a positive multiple of window-ms (" + windowMs + "), got " + rollingMs);
            }
            if (retentionMs < rollingMs) {
                out.add("retention-ms must be >= rolling-ms (" + rollingMs + "), got " + retentionMs);
            }
        }
        return out;
    }
}
