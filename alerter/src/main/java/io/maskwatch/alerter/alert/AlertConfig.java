package io.maskwatch.alerter.alert;

import java.util.ArrayList;
import java.util.List;

/**
 * When alerts are raised (again), what counts as non-compliant, and how many alerts the API keeps.
 *
 * @param cooldownMs        a person who stays non-compliant is alerted again only after this long (capture time)
 * @param apiMaxAlerts      the API's in-memory index keeps at most this many newest alerts (with images)
 * @param apiHistoryMs      at start the index re-reads this much history from the alerts topic
 * @param incorrectCountsAs {@code no_mask} (default): a mask below the nose is non-compliant, alerted and
 *                          counted as its own status {@code incorrect}; {@code mask}: it counts as masked
 * @param minAlertScore     the face that raises an alert must have a joint P(face) x P(no mask or mask
 *                          below the nose | face) of at least this: a vague detection never alerts on its own
 */
public record AlertConfig(long cooldownMs, int apiMaxAlerts, long apiHistoryMs, String incorrectCountsAs,
                          double minAlertScore) {

    public static final String NO_MASK = "no_mask";
    public static final String MASK = "mask";

    public static AlertConfig defaults() {
        return new AlertConfig(300_000, 2_000, 24 * 3_600_000L, NO_MASK, 0.4);
    }

    public AlertConfig withCooldownMs(long ms) {
        return new AlertConfig(ms, apiMaxAlerts, apiHistoryMs, incorrectCountsAs, minAlertScore);
    }

    public AlertConfig withApi(int maxAlerts, long historyMs) {
        return new AlertConfig(cooldownMs, maxAlerts, historyMs, incorrectCountsAs, minAlertScore);
    }

    public AlertConfig withIncorrectCountsAs(String countsAs) {
        return new AlertConfig(cooldownMs, apiMaxAlerts, apiHistoryMs, countsAs, minAlertScore);
    }

    /** Whether a mask below the nose is treated as no mask (alerted, non-compliant). */
    public boolean incorrectIsNonCompliant() {
        return !MASK.equals(incorrectCountsAs);
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
        if (!NO_MASK.equals(incorrectCountsAs) && !MASK.equals(incorrectCountsAs)) {
            out.add("incorrect-counts-as must be no_mask (a mask below the nose is alerted and not compliant) or mask"
                    + " (it counts as masked), got " + (incorrectCountsAs == null ? "nothing" : "'" + incorrectCountsAs + "'"));
        }
        if (!(minAlertScore >= 0 && minAlertScore < 1)) {
            out.add("min-alert-score must be in [0, 1) (joint P(face) x P(not masked | face)), got " + minAlertScore);
        }
        return out;
    }
}
