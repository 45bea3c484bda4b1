package io.maskwatch.alerter.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.serde.JsonUpgrade;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-camera grouping state (value of the {@code notify-pending} store).
 *
 * @param alerts       alerts waiting to be notified
 * @param openedWallMs wall-clock time the first of them arrived
 * @param lastSentWallMs wall-clock time of the camera's last notification (rate limit)
 */
public record PendingNotification(List<PendingAlert> alerts, long openedWallMs, long lastSentWallMs) {

    /** @param status unmasked or incorrect (mask below nose) */
    public record PendingAlert(String alertId, String trackId, long timestampMs, PersonStatus status) {
    }

    /** Pending alerts stored before the third label were all about people without a mask. */
    public static final JsonUpgrade UPGRADE = node -> {
        JsonNode alerts = node.get("alerts");
        for (int i = 0; alerts != null && alerts.isArray() && i < alerts.size(); i++) {
            if (alerts.get(i) instanceof ObjectNode a && !a.has("status")) {
                a.put("status", PersonStatus.UNMASKED.wireName());
            }
        }
    };

    public PendingNotification {
        alerts = List.copyOf(alerts);
    }

    static PendingNotification empty() {
        return new PendingNotification(List.of(), 0, Long.MIN_VALUE / 2);
    }

    PendingNotification add(PendingAlert a, long wallNow) {
        if (alerts.stream().anyMatch(x -> x.alertId().equals(a.alertId()))) {
            return this;
        }
        List<PendingAlert> next = new ArrayList<>(alerts);
        next.add(a);
        return new PendingNotification(next, alerts.isEmpty() ? wallNow : openedWallMs, lastSentWallMs);
    }

    boolean due(long wallNow, long windowMs, long rateLimitMs) {
        return !alerts.isEmpty() && wallNow - openedWallMs >= windowMs && wallNow - lastSentWallMs >= rateLimitMs;
    }

    PendingNotification sent(long wallNow) {
        return new PendingNotification(List.of(), 0, wallNow);
    }
}
