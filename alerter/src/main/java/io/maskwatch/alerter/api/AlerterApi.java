package io.maskwatch.alerter.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.maskwatch.alerter.CameraNames;
import io.maskwatch.alerter.compliance.ComplianceConfig;
import io.maskwatch.alerter.compliance.ComplianceCounts;
import io.maskwatch.alerter.compliance.ComplianceView;
import io.maskwatch.alerter.notify.SnapshotLinks;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.ComplianceWindow;
import io.maskwatch.common.observability.ServiceHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The alerter's HTTP API and page, mounted on the service's {@link ServiceHttpServer}:
 * {@code GET /api/alerts}, {@code /api/alerts/{id}}, {@code /api/alerts/{id}/face.jpg},
 * {@code /api/alerts/{id}/heatmap.jpg}, {@code /api/compliance} and {@code /} (the live page).
 * {@code /api/*} needs the read token ({@link ApiAuth}: {@code Authorization: Bearer TOKEN} or the
 * session cookie of {@code POST /api/session} or a one-time {@code /login?code=} link); images also
 * open with the per-alert {@code ?sig=} of notification links. The page itself holds no data and is
 * served without a token.
 */
public final class AlerterApi {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AlertIndex alerts;
    private final ComplianceView compliance;
    private final ComplianceConfig complianceCfg;
    private final CameraNames names;
    private final SnapshotLinks links;
    private final ApiAuth auth;
    private final Clock clock;
    private final AlertActions actions;
    private final byte[] page;

    public AlerterApi(AlertIndex alerts, ComplianceView compliance, ComplianceConfig complianceCfg, CameraNames names,
                      SnapshotLinks links, ApiAuth auth, Clock clock) {
        this(alerts, compliance, complianceCfg, names, links, auth, clock, AlertActions.NONE);
    }

    /** @param actions acknowledge, false alarm, erase and the audit of views ({@code review.ReviewApi}) */
    public AlerterApi(AlertIndex alerts, ComplianceView compliance, ComplianceConfig complianceCfg, CameraNames names,
                      SnapshotLinks links, ApiAuth auth, Clock clock, AlertActions actions) {
        this.actions = actions;
        this.alerts = alerts;
        this.compliance = compliance;
        this.complianceCfg = complianceCfg;
        this.names = names;
        this.links = links;
        this.auth = auth;
        this.clock = clock;
        try (InputStream in = AlerterApi.class.getResourceAsStream("index.html")) {
            if (in == null) {
                throw new IllegalStateException("alerter page resource index.html missing from the build");
            }
            this.page = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the alerter page", e);
        }
    }

    public void mount(ServiceHttpServer server) {
        // Prometheus scrapes with the read token (compose: credentials file; Kubernetes: ServiceMonitor authorization).
        server.protectMetrics(ex -> ApiAuth.allows(auth.roleOf(ex), ApiAuth.Role.READ));
        server.route("/api/alerts", this::alertsRoute);
        server.route("/api/compliance", this::complianceRoute);
        server.route("/api/session", this::sessionRoute);
        server.route("/login", this::loginRoute);
        server.route("/api", ex -> error(ex, 404, "no such API endpoint; see /api/alerts and /api/compliance"));
        server.route("/", this::pageRoute);
    }

    /** A bad request: the message names the parameter. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    private void pageRoute(HttpExchange ex) throws IOException {
        if (!readOnly(ex)) {
            return;
        }
        String path = ex.getRequestURI().getPath();
        if (!path.equals("/") && !path.equals("/index.html")) {
            error(ex, 404, "not found");
            return;
        }
        ServiceHttpServer.respond(ex, 200, "text/html; charset=utf-8", page);
    }

    /** A one-time link's code becomes the session cookie; then on to the page. */
    private void loginRoute(HttpExchange ex) throws IOException {
        if (!readOnly(ex)) {
            return;
        }
        if (!auth.redeem(first(query(ex.getRequestURI().getRawQuery()), "code"))) {
            ServiceHttpServer.respond(ex, 401, "text/plain; charset=utf-8",
                    "This login link has expired or was already used. Open the page and sign in with the API token.\n");
            return;
        }
        auth.setSession(ex, ApiAuth.Role.READ);
        ex.getResponseHeaders().set("Location", "/");
        ServiceHttpServer.respond(ex, 303, "text/plain; charset=utf-8", "");
    }

    /** POST form field {@code token}: sets the session cookie; DELETE: signs out. */
    private void sessionRoute(HttpExchange ex) throws IOException {
        String m = ex.getRequestMethod();
        if (m.equals("DELETE")) {
            auth.clearSession(ex);
            ServiceHttpServer.respond(ex, 204, "application/json", "");
            return;
        }
        if (!m.equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST, DELETE");
            error(ex, 405, "method " + m + " not allowed; POST token=... signs in, DELETE signs out");
            return;
        }
        byte[] body = ex.getRequestBody().readNBytes(4096);
        Optional<ApiAuth.Role> role = auth.roleOfToken(first(query(new String(body, StandardCharsets.UTF_8)), "token"));
        if (role.isEmpty()) {
            unauthorized(ex);
            return;
        }
        auth.setSession(ex, role.get());
        ServiceHttpServer.respond(ex, 204, "application/json", "");
    }

    private void alertsRoute(HttpExchange ex) throws IOException {
        // --- custodian actions (POST .../ack, .../false-alarm, DELETE): review.ReviewApi checks the role ---
        if (!ex.getRequestMethod().equals("GET")) {
            List<String> s = segments(ex.getRequestURI().getRawPath());
            if ((s.size() == 3 || s.size() == 4) && s.get(1).equals("alerts")) {
                actions.change(ex, s.get(2), s.size() == 4 ? s.get(3) : null);
            } else {
                readOnly(ex);
            }
            return;
        }
        List<String> segments = segments(ex.getRequestURI().getRawPath());
        // segments: [api, alerts, {id}?, {file}?]
        if (segments.size() < 2 || !segments.get(1).equals("alerts") || segments.size() > 4) {
            error(ex, 404, "not found");
            return;
        }
        Map<String, List<String>> q = query(ex.getRequestURI().getRawQuery());
        String id = segments.size() >= 3 ? segments.get(2) : null;
        String file = segments.size() == 4 ? segments.get(3) : null;
        boolean image = file != null;
        if (!authorized(ex, q, image ? id : null)) {
            return;
        }
        try {
            if (id == null) {
                list(ex, q);
                return;
            }
            Optional<Alert> a = alerts.get(id);
            if (a.isEmpty()) {
                error(ex, 404, "no alert '" + id + "' (unknown, or older than this service keeps)");
                return;
            }
            if (file == null) {
                json(ex, 200, item(a.get()));
                actions.viewed(caller(ex), id, "alert");
            } else if (file.equals("face.jpg") || file.equals("heatmap.jpg")) {
                byte[] img = file.equals("face.jpg") ? a.get().faceJpeg() : a.get().heatmapJpeg();
                if (img == null) {
                    error(ex, 404, "alert '" + id + "' has no " + (file.equals("face.jpg") ? "face crop" : "heat map")
                            + " (the detector sent none)");
                } else {
                    actions.viewed(caller(ex), id, file.equals("face.jpg") ? "face" : "heatmap");
                    ex.getResponseHeaders().set("Cache-Control", "private, max-age=86400");
                    ex.getResponseHeaders().set("Content-Type", "image/jpeg");
                    ex.sendResponseHeaders(200, img.length);
                    ex.getResponseBody().write(img);
                    ex.getResponseBody().close();
                }
            } else {
                error(ex, 404, "unknown alert resource '" + file + "'; use face.jpg or heatmap.jpg");
            }
        } catch (BadRequest e) {
            error(ex, 400, e.getMessage());
        }
    }

    private void list(HttpExchange ex, Map<String, List<String>> q) throws IOException {
        Set<String> cameras = new LinkedHashSet<>();
        for (String c : q.getOrDefault("camera", List.of())) {
            for (String part : c.split(",")) {
                if (!part.isBlank()) {
                    cameras.add(part.trim());
                }
            }
        }
        Long from = time(q, "from");
        Long to = time(q, "to");
        if (from != null && to != null && to <= from) {
            throw new BadRequest("'to' must be after 'from'");
        }
        int limit = DEFAULT_LIMIT;
        String l = first(q, "limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                throw new BadRequest("limit must be a whole number 1.." + MAX_LIMIT + ", got '" + l + "'");
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new BadRequest("limit must be 1.." + MAX_LIMIT + ", got " + limit);
            }
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode arr = body.putArray("alerts");
        java.util.function.Predicate<Alert> filter;
        try {
            filter = actions.filter(q);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        List<Alert> found = alerts.query(cameras, from, to, limit, filter);
        found.forEach(a -> arr.add(item(a)));
        body.put("count", found.size());
        body.put("limit", limit);
        json(ex, 200, body);
    }

    private static Long time(Map<String, List<String>> q, String name) {
        String v = first(q, name);
        if (v == null || v.isBlank()) {
            return null;
        }
        if (v.matches("-?\\d+")) {
            return Long.parseLong(v);
        }
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new BadRequest(name + " must be epoch milliseconds or an ISO-8601 instant such as "
                    + "2024-05-01T08:00:00Z, got '" + v + "'");
        }
    }

    private ObjectNode item(Alert a) {
        ObjectNode n = JSON.createObjectNode();
        n.put("alert_id", a.alertId());
        n.put("camera_id", a.cameraId());
        n.put("camera_name", names.name(a.cameraId()));
        n.put("track_id", a.trackId());
        n.put("timestamp_ms", a.timestampMs());
        n.put("time", Instant.ofEpochMilli(a.timestampMs()).toString());
        n.put("status", a.status().wireName());
        n.put("status_text", a.status().displayName());
        n.put("confidence", a.confidence());
        n.put("frame_count", a.frameCount());
        if (a.box() == null) {
            n.putNull("box");
        } else {
            ObjectNode b = n.putObject("box");
            b.put("x1", a.box().x1());
            b.put("y1", a.box().y1());
            b.put("x2", a.box().x2());
            b.put("y2", a.box().y2());
        }
        String base = "/api/alerts/" + SnapshotLinks.segment(a.alertId());
        n.put("url", base);
        if (a.faceJpeg() != null) {
            n.put("face_url", base + "/face.jpg");
        } else {
            n.putNull("face_url");
        }
        if (a.heatmapJpeg() != null) {
            n.put("heatmap_url", base + "/heatmap.jpg");
        } else {
            n.putNull("heatmap_url");
        }
        n.put("share_face_url", links.face(a.alertId()));
        actions.annotate(a, n);
        return n;
    }

    private void complianceRoute(HttpExchange ex) throws IOException {
        if (!readOnly(ex) || !authorized(ex, query(ex.getRequestURI().getRawQuery()), null)) {
            return;
        }
        if (!ex.getRequestURI().getPath().replaceAll("/+$", "").equals("/api/compliance")) {
            error(ex, 404, "not found");
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("generated_at_ms", clock.millis());
        body.put("window_ms", complianceCfg.windowMs());
        body.put("rolling_ms", complianceCfg.rollingMs());
        body.set("facility", complianceOf(ComplianceWindow.FACILITY));
        ArrayNode cams = body.putArray("cameras");
        for (String key : compliance.keys()) {
            if (!key.equals(ComplianceWindow.FACILITY)) {
                cams.add(complianceOf(key));
            }
        }
        json(ex, 200, body);
    }

    private ObjectNode complianceOf(String key) {
        ObjectNode n = JSON.createObjectNode();
        n.put("camera_id", key);
        n.put("camera_name", key.equals(ComplianceWindow.FACILITY) ? "Facility" : names.name(key));
        ComplianceView.Rolling r = compliance.rolling(key);
        ObjectNode rolling = n.putObject("rolling");
        rolling.put("from_ms", r.fromMs());
        rolling.put("to_ms", r.toMs());
        counts(rolling, r.counts(), r.compliance());
        ComplianceWindow w = compliance.latest(key);
        if (w == null) {
            n.putNull("latest_window");
        } else {
            ObjectNode lw = n.putObject("latest_window");
            lw.put("window_start_ms", w.windowStartMs());
            lw.put("window_end_ms", w.windowEndMs());
            counts(lw, ComplianceCounts.of(w), w.compliance());
        }
        return n;
    }

    private static void counts(ObjectNode n, ComplianceCounts c, Double ratio) {
        n.put("persons", c.persons());
        n.put("masked", c.masked());
        n.put("unmasked", c.unmasked());
        n.put("incorrect", c.incorrect());
        n.put("uncertain", c.uncertain());
        if (ratio == null) {
            n.putNull("compliance");
        } else {
            n.put("compliance", ratio);
        }
    }

    // --- plumbing ---

    private boolean readOnly(HttpExchange ex) throws IOException {
        String m = ex.getRequestMethod();
        if (m.equals("GET")) {
            return true;
        }
        ex.getResponseHeaders().set("Allow", "GET");
        error(ex, 405, "method " + m + " not allowed; this API is read-only");
        return false;
    }

    /** For the audit: the caller's role, or {@code link} for a signed notification link; never the token. */
    private String caller(HttpExchange ex) {
        return auth.roleOf(ex).map(r -> r.name().toLowerCase(java.util.Locale.ROOT)).orElse("link");
    }

    private boolean authorized(HttpExchange ex, Map<String, List<String>> q, String signedAlertId) throws IOException {
        if (ApiAuth.allows(auth.roleOf(ex), ApiAuth.Role.READ)) {
            return true;
        }
        if (signedAlertId != null && links.verify(signedAlertId, first(q, "sig"))) {
            return true;
        }
        unauthorized(ex);
        return false;
    }

    /** The same answer for a missing, short or wrong token: nothing to learn from it. */
    private static void unauthorized(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"maskwatch\"");
        error(ex, 401, "unauthorized");
    }

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static String first(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static void json(HttpExchange ex, int status, ObjectNode body) throws IOException {
        ServiceHttpServer.respond(ex, status, "application/json", JSON.writeValueAsBytes(body));
    }

    static void error(HttpExchange ex, int status, String message) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", message);
        n.put("status", status);
        json(ex, status, n);
    }
}
