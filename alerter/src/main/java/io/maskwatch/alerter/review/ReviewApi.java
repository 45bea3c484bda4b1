package io.maskwatch.alerter.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.maskwatch.alerter.api.AlertActions;
import io.maskwatch.alerter.api.AlertIndex;
import io.maskwatch.alerter.api.ApiAuth;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.common.observability.ServiceHttpServer;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The custodian's actions on the alerter API (admin token):
 * <ul>
 * <li>{@code POST /api/alerts/{id}/ack} with optional JSON {@code {"note": "..."}}</li>
 * <li>{@code POST /api/alerts/{id}/false-alarm} with optional {@code {"note": "...", "label": "mask"}}</li>
 * <li>{@code DELETE /api/alerts/{id}}: erases the alert's face and heat map everywhere MaskWatch keeps them</li>
 * </ul>
 * and, for {@link io.maskwatch.alerter.api.AlerterApi}, the {@code acknowledged} / {@code false_alarm}
 * fields of an alert, the {@code unacknowledged=true} filter, and an audit record per view.
 */
public final class ReviewApi implements AlertActions {
    static final int MAX_NOTE_CHARS = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AlertIndex alerts;
    private final ReviewState state;
    private final ReviewLog log;
    private final ApiAuth auth;

    public ReviewApi(AlertIndex alerts, ReviewState state, ReviewLog log, ApiAuth auth) {
        this.alerts = alerts;
        this.state = state;
        this.log = log;
        this.auth = auth;
    }

    @Override
    public void change(HttpExchange ex, String alertId, String action) throws IOException {
        String method = ex.getRequestMethod();
        boolean erase = action == null && method.equals("DELETE");
        boolean post = action != null && (action.equals("ack") || action.equals("false-alarm")) && method.equals("POST");
        if (!erase && !post) {
            ex.getResponseHeaders().set("Allow", action == null ? "GET, DELETE" : "POST");
            error(ex, action == null || action.equals("ack") || action.equals("false-alarm") ? 405 : 404,
                    "use POST /api/alerts/{id}/ack, POST /api/alerts/{id}/false-alarm or DELETE /api/alerts/{id}");
            return;
        }
        Optional<ApiAuth.Role> role = auth.roleOf(ex);
        if (role.isEmpty()) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"maskwatch\"");
            error(ex, 401, "unauthorized");
            return;
        }
        if (!ApiAuth.allows(role, ApiAuth.Role.ADMIN)) {
            error(ex, 403, "acknowledging, marking and erasing alerts need the admin token (alerter.admin-token)");
            return;
        }
        String by = role.get().name().toLowerCase(Locale.ROOT);
        try {
            if (erase) {
                erase(ex, alertId, by);
            } else {
                review(ex, alertId, action, by);
            }
        } catch (ReviewLog.UnavailableException e) {
            ex.getResponseHeaders().set("Retry-After", "5");
            error(ex, 503, e.getMessage());
        }
    }

    private void review(HttpExchange ex, String alertId, String action, String by)
            throws IOException, ReviewLog.UnavailableException {
        JsonNode body;
        try {
            body = body(ex);
        } catch (IllegalArgumentException e) {
            error(ex, 400, e.getMessage());
            return;
        }
        if (alerts.get(alertId).isEmpty() || state.erased(alertId)) {
            error(ex, 404, "no alert '" + alertId + "' (unknown, erased, or older than this service keeps)");
            return;
        }
        String note;
        String label = null;
        try {
            note = text(body, "note", MAX_NOTE_CHARS);
            if (action.equals("false-alarm")) {
                String given = text(body, "label", 32);
                if (given != null && Arrays.stream(FaceLabel.values()).noneMatch(l -> l.wireName().equals(given))) {
                    throw new IllegalArgumentException("label must be one of " + labels() + " (what the face really shows), got '"
                            + given + "'");
                }
                label = given;
            }
        } catch (IllegalArgumentException e) {
            error(ex, 400, e.getMessage());
            return;
        }
        long now = log.clock().millis();
        Review r = state.review(alertId).orElse(Review.empty(alertId));
        if (action.equals("ack")) {
            r = r.withAcknowledged(new Review.Acknowledged(by, now, note));
        } else {
            r = r.withFalseAlarm(new Review.FalseAlarm(by, now, note, label));
        }
        log.put(r);
        log.audit(by, action.equals("ack") ? AuditRecord.Action.ACKNOWLEDGE : AuditRecord.Action.FALSE_ALARM, alertId);
        ObjectNode out = JSON.createObjectNode();
        out.put("alert_id", alertId);
        fields(r, out);
        json(ex, 200, out);
    }

    private void erase(HttpExchange ex, String alertId, String by) throws IOException, ReviewLog.UnavailableException {
        // Erasable also when this replica no longer lists it: the alerts topic may keep it longer than the API.
        boolean listed = alerts.get(alertId).isPresent();
        Erasure e = log.erase(alertId);
        log.audit(by, AuditRecord.Action.ERASE, alertId);
        ObjectNode out = JSON.createObjectNode();
        out.put("alert_id", alertId);
        out.put("erased", true);
        out.put("erased_at_ms", e.erasedAtMs());
        out.put("was_listed", listed);
        json(ex, 200, out);
    }

    @Override
    public void annotate(Alert a, ObjectNode item) {
        state.review(a.alertId()).ifPresent(r -> fields(r, item));
    }

    @Override
    public Predicate<Alert> filter(Map<String, List<String>> query) {
        List<String> v = query.get("unacknowledged");
        if (v == null || v.isEmpty() || v.get(0).equals("false")) {
            return a -> true;
        }
        if (!v.get(0).equals("true") && !v.get(0).isEmpty()) {
            throw new IllegalArgumentException("unacknowledged must be true or false, got '" + v.get(0) + "'");
        }
        return a -> state.review(a.alertId()).map(r -> r.acknowledged() == null).orElse(true);
    }

    @Override
    public void viewed(String by, String alertId, String what) {
        log.audit(by, switch (what) {
            case "face" -> AuditRecord.Action.VIEW_FACE;
            case "heatmap" -> AuditRecord.Action.VIEW_HEATMAP;
            default -> AuditRecord.Action.VIEW_ALERT;
        }, alertId);
    }

    private static void fields(Review r, ObjectNode n) {
        if (r.acknowledged() != null) {
            ObjectNode a = n.putObject("acknowledged");
            a.put("by", r.acknowledged().by());
            a.put("at_ms", r.acknowledged().atMs());
            a.put("note", r.acknowledged().note());
        }
        if (r.falseAlarm() != null) {
            ObjectNode f = n.putObject("false_alarm");
            f.put("by", r.falseAlarm().by());
            f.put("at_ms", r.falseAlarm().atMs());
            f.put("note", r.falseAlarm().note());
            f.put("label", r.falseAlarm().label());
        }
    }

    /** The JSON body: empty means {}; anything else must be a JSON object. */
    private static JsonNode body(HttpExchange ex) throws IOException {
        byte[] b = ex.getRequestBody().readNBytes(8192);
        if (b.length == 0 || new String(b, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return JSON.createObjectNode();
        }
        JsonNode n;
        try {
            n = JSON.readTree(b);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body must be JSON such as {\"note\": \"checked, staff member\"}");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object such as {\"note\": \"checked\"}");
        }
        return n;
    }

    private static String text(JsonNode body, String field, int max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        String s = v.asText().strip();
        if (s.length() > max) {
            throw new IllegalArgumentException(field + " must be at most " + max + " characters, got " + s.length());
        }
        return s.isEmpty() ? null : s;
    }

    private static String labels() {
        return Arrays.stream(FaceLabel.values()).map(FaceLabel::wireName).collect(Collectors.joining(", "));
    }

    private static void json(HttpExchange ex, int status, ObjectNode body) throws IOException {
        ServiceHttpServer.respond(ex, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", message);
        n.put("status", status);
        json(ex, status, n);
    }
}
