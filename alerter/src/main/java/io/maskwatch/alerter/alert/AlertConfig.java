package io.maskwatch.alerter.alert;

import java.util.ArrayList;
import java.util.List;

/**
 * When alerts are raised again and how many the API keeps.
 *
 * @param cooldownMs     a person who stays unmasked is alerted again only after this long (capture time)
 * @param apiMaxAlerts   the API's in-memory index keeps at most this many newest alerts (with images)
 * @param apiHistoryMs   at start the index re-reads this much history from the alerts topic
 */
public record AlertConfig(long cooldownMs, int apiMaxAlerts, long apiHistoryMs) {

    public static AlertConfig defaults() {
        return new AlertConfig(300_000, 2_000, 24 * 3_600_000L);
    }

    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (cooldownMs < 1_000) {
            out.add("cooldown-ms must be >= 1000, got " + cooldownMs);
        }
        if (apiMaxAlerts < 1 || apiMaxAlerts > 1_000_000) {
            out.add("api-max-alerts must be 1..1000000, got " + apiMaxAlerts);
        }
        if (apiHistoryMs < 0) {
            out.add("api-history-ms must be >= 0, got " + apiHistoryMs);
        }
        return out;
    }
}
