package io.maskwatch.alerter.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.maskwatch.alerter.CameraNames;
import io.maskwatch.alerter.compliance.ComplianceConfig;
import io.maskwatch.alerter.compliance.ComplianceCounts;
import io.maskwatch.alerter.compliance.ComplianceView;
import io.maskwatch.alerter.live.LiveFrames;
import io.maskwatch.alerter.notify.SnapshotLinks;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.ComplianceWindow;
import io.maskwatch.common.contract.PersonStatus;
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
 * {@code /api/alerts/{id}/heatmap.jpg}, {@code /api/alerts/{id}/frame.jpg}, {@code /api/compliance}, the live view
 * {@code /api/cameras}, {@code /api/cameras/{id}}, {@code .../snapshot.jpg}, {@code .../stream.mjpeg} (on the
 * server's stream pool), and the pages {@code /}, {@code /cameras[/{id}]}, {@code /alerts/{id}}.
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
    private final LiveFrames live;
    private final byte[] page;
    private final byte[] camerasPage;
    private final byte[] alertPage;
    private final byte[] css;
    private final byte[] js;

    public AlerterApi(AlertIndex alerts, ComplianceView compliance, ComplianceConfig complianceCfg, CameraNames names,
                      SnapshotLinks links, ApiAuth auth, Clock clock) {
        this(alerts, compliance, complianceCfg, names, links, auth, clock, new LiveFrames(List.of(), 1, clock),
                AlertActions.NONE);
    }

    /**
     * @param live    the live view (camera grid, streams, alert frames and timelines)
     * @param actions acknowledge, false alarm, erase and the audit of views ({@code review.ReviewApi})
     */
    public AlerterApi(AlertIndex alerts, ComplianceView compliance, ComplianceConfig complianceCfg, CameraNames names,
                      SnapshotLinks links, ApiAuth auth, Clock clock, LiveFrames live, AlertActions actions) {
        this.actions = actions;
        this.alerts = alerts;
        this.compliance = compliance;
        this.complianceCfg = complianceCfg;
        this.names = names;
        this.links = links;
        this.auth = auth;
        this.clock = clock;
        this.live = live;
        this.page = resource("index.html");
        this.camerasPage = resource("cameras.html");
        this.alertPage = resource("alert.html");
        this.css = resource("mw.css");
        this.js = resource("mw.js");
    }

    private static byte[] resource(String name) {
        try (InputStream in = AlerterApi.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("alerter page resource " + name + " missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the alerter page " + name, e);
        }
    }

    public void mount(ServiceHttpServer server) {
        // Prometheus scrapes with the read token (compose: credentials file; Kubernetes: ServiceMonitor authorization).
        server.protectMetrics(ex -> ApiAuth.allows(auth.roleOf(ex), ApiAuth.Role.READ));
        server.route("/api/alerts", this::alertsRoute);
        server.route("/api/compliance", this::complianceRoute);
        // Streams hold their connection for as long as the viewer watches: their own thread pool.
        server.route("/api/cameras", this::camerasRoute, ex -> ex.getRequestURI().getPath().endsWith("/stream.mjpeg"));
        server.route("/api/session", this::sessionRoute);
        server.route("/login", this::loginRoute);
        server.route("/api", ex -> error(ex, 404, "no such API endpoint; see /api/alerts, /api/compliance and /api/cameras"));
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
        // The pages hold no data: they read the API with the session cookie, so they need no token.
        byte[] body;
        if (path.equals("/") || path.equals("/index.html")) {
            body = page;
        } else if (path.equals("/cameras") || path.matches("/cameras/[^/]+")) {
            live.touch(); // start reading frames while the page loads
            body = camerasPage;
        } else if (path.matches("/alerts/[^/]+")) {
            body = alertPage;
        } else if (path.equals("/static/mw.css")) {
            ServiceHttpServer.respond(ex, 200, "text/css; charset=utf-8", css);
            return;
        } else if (path.equals("/static/mw.js")) {
            ServiceHttpServer.respond(ex, 200, "text/javascript; charset=utf-8", js);
            return;
        } else {
            error(ex, 404, "not found");
            return;
        }
        ServiceHttpServer.respond(ex, 200, "text/html; charset=utf-8", body);
    }

    /** A one-time link's code becomes the session cookie; then on to the page. */
    private void loginRoute(HttpExchange ex) throws IOException {
        if (!readOnly(ex)) {
            return;
        }
        Optional<ApiAuth.Role> role = auth.redeem(first(query(ex.getRequestURI().getRawQuery()), "code"));
        if (role.isEmpty()) {
            ServiceHttpServer.respond(ex, 401, "text/plain; charset=utf-8",
                    "This login link has expired or was already used. Open the page and sign in with the API token.\n");
            return;
        }
        auth.setSession(ex, role.get());
        // ?next= opens another page of this site after signing in; only local paths, never another host.
        String next = first(query(ex.getRequestURI().getRawQuery()), "next");
        boolean local = next != null && next.startsWith("/") && !next.startsWith("//") && !next.contains("\\");
        ex.getResponseHeaders().set("Location", local ? next : "/");
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
        // A notification's ?sig= opens the face and heat map only: the full frame shows everyone in view.
        boolean image = file != null && (file.equals("face.jpg") || file.equals("heatmap.jpg"));
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
                json(ex, 200, detail(a.get()));
                actions.viewed(caller(ex), id, "alert");
            } else if (file.equals("frame.jpg")) {
                byte[] img = live.alert(id).map(LiveFrames.AlertContext::frame)
                        .map(j -> j.annotated(live.annotator())).orElse(null);
                if (img == null) {
                    error(ex, 404, "alert '" + id + "' has no stored frame (it was raised while no alerter "
                            + "replica that serves this request was running, or its frame is no longer kept)");
                } else {
                    jpeg(ex, img, "private, max-age=86400");
                    actions.viewed(caller(ex), id, "frame");
                }
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
                error(ex, 404, "unknown alert resource '" + file + "'; use face.jpg, heatmap.jpg or frame.jpg");
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
        Set<PersonStatus> statuses = new LinkedHashSet<>();
        for (String st : q.getOrDefault("status", List.of())) {
            for (String part : st.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                PersonStatus ps = switch (part.trim()) {
                    case "unmasked" -> PersonStatus.UNMASKED;
                    case "incorrect" -> PersonStatus.INCORRECT;
                    default -> throw new BadRequest("status must be unmasked (no mask) or incorrect (mask below nose), got '"
                            + part.trim() + "'");
                };
                statuses.add(ps);
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
        List<Alert> found = alerts.query(cameras, from, to, limit,
                filter.and(a -> statuses.isEmpty() || statuses.contains(a.status())));
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

    /** One alert with what the live view kept of it: the full frame and the track's timeline. */
    private ObjectNode detail(Alert a) {
        ObjectNode n = item(a);
        Optional<LiveFrames.AlertContext> ctx = live.alert(a.alertId());
        if (ctx.isPresent() && ctx.get().frame() != null) {
            LiveFrames.Frame f = ctx.get().frame().frame();
            n.put("frame_url", n.get("url").asText() + "/frame.jpg");
            n.put("frame_capture_ms", f.captureMs());
        } else {
            n.putNull("frame_url");
        }
        ArrayNode tl = n.putArray("timeline");
        ctx.ifPresent(c -> c.timeline().forEach(e -> {
            ObjectNode t = tl.addObject();
            t.put("frame_sequence", e.sequence());
            t.put("capture_ms", e.captureMs());
            t.put("label", e.label().wireName());
            t.put("confidence", e.confidence());
        }));
        return n;
    }

    // --- live view: GET /api/cameras, /api/cameras/{id}, .../snapshot.jpg, .../stream.mjpeg ---

    /** MJPEG part boundary; the same for every stream. */
    static final String BOUNDARY = "mwframe";
    /** A stream re-sends the current frame at least this often, which also notices a viewer that left. */
    static final long STREAM_KEEPALIVE_MS = 5_000;

    private void camerasRoute(HttpExchange ex) throws IOException {
        if (!readOnly(ex) || !authorized(ex, Map.of(), null)) {
            return;
        }
        Map<String, List<String>> q = query(ex.getRequestURI().getRawQuery());
        List<String> segments = segments(ex.getRequestURI().getRawPath());
        // segments: [api, cameras, {id}?, {file}?]
        if (segments.size() < 2 || !segments.get(1).equals("cameras") || segments.size() > 4) {
            error(ex, 404, "not found");
            return;
        }
        live.touch(); // someone watches: the live feed reads frames (again)
        if (segments.size() == 2) {
            ObjectNode body = JSON.createObjectNode();
            body.put("generated_at_ms", clock.millis());
            ArrayNode arr = body.putArray("cameras");
            live.cameras().forEach(c -> arr.add(camera(c)));
            json(ex, 200, body);
            return;
        }
        String id = segments.get(2);
        Optional<LiveFrames.CameraState> cam = live.camera(id);
        if (cam.isEmpty()) {
            error(ex, 404, "no camera '" + id + "' (not configured and no frame seen); GET /api/cameras lists them");
            return;
        }
        if (segments.size() == 3) {
            ObjectNode n = camera(cam.get());
            shownFaces(n, live.shown(id));
            json(ex, 200, n);
            return;
        }
        String file = segments.get(3);
        if (file.equals("snapshot.jpg")) {
            String size = first(q, "size");
            if (size != null && !size.equals("small") && !size.equals("full")) {
                error(ex, 400, "size must be 'small' (" + LiveFrames.THUMB_WIDTH + " px wide, for grids) or 'full', got '"
                        + size + "'");
                return;
            }
            byte[] img = live.snapshot(id, "small".equals(size));
            if (img == null && cam.get().up()) {
                // Frames are read only while someone watches: this request started it, one comes in a moment.
                ex.getResponseHeaders().set("Retry-After", "1");
                error(ex, 503, "camera '" + id + "' is up; its frames are being fetched for this viewer, retry in a second");
            } else if (img == null) {
                error(ex, 404, "camera '" + id + "' has sent no frame since this alerter started");
            } else {
                jpeg(ex, img, "no-store");
            }
        } else if (file.equals("stream.mjpeg")) {
            stream(ex, id);
        } else {
            error(ex, 404, "unknown camera resource '" + file + "'; use snapshot.jpg or stream.mjpeg");
        }
    }

    private ObjectNode camera(LiveFrames.CameraState c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("camera_id", c.cameraId());
        n.put("camera_name", names.name(c.cameraId()));
        n.put("status", c.up() ? "up" : "down");
        if (c.lastFrameMs() == null) {
            n.putNull("last_frame_ms");
            n.putNull("last_frame_age_ms");
        } else {
            n.put("last_frame_ms", c.lastFrameMs());
            n.put("last_frame_age_ms", Math.max(0, clock.millis() - c.lastReceivedMs()));
        }
        Double ratio = compliance.rolling(c.cameraId()).compliance();
        if (ratio == null) {
            n.putNull("compliance_15m");
        } else {
            n.put("compliance_15m", ratio);
        }
        n.set("windows", windows(c.cameraId()));
        String base = "/api/cameras/" + SnapshotLinks.segment(c.cameraId());
        n.put("snapshot_url", base + "/snapshot.jpg");
        n.put("stream_url", base + "/stream.mjpeg");
        return n;
    }

    /** The faces of the frame the snapshot shows, with their track where this replica's tracker said it. */
    private static void shownFaces(ObjectNode n, LiveFrames.Joined shown) {
        if (shown == null) {
            n.putNull("frame_capture_ms");
            n.putArray("faces");
            return;
        }
        n.put("frame_capture_ms", shown.frame().captureMs());
        ArrayNode faces = n.putArray("faces");
        for (io.maskwatch.common.contract.Face f : shown.detection().faces()) {
            ObjectNode o = faces.addObject();
            ObjectNode b = o.putObject("box");
            b.put("x1", f.box().x1());
            b.put("y1", f.box().y1());
            b.put("x2", f.box().x2());
            b.put("y2", f.box().y2());
            o.put("label", f.label().wireName());
            o.put("score", f.joint(f.label()));
            o.put("track_id", shown.trackId(f));
        }
    }

    /** multipart/x-mixed-replace: one annotated JPEG per new frame, until the viewer leaves or the service stops. */
    private void stream(HttpExchange ex, String id) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace; boundary=" + BOUNDARY);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, 0);
        long version = -1;
        try (LiveFrames.Viewer viewer = live.openStream(); java.io.OutputStream out = ex.getResponseBody()) {
            while (!live.closed()) {
                long v = live.awaitNewer(id, version, STREAM_KEEPALIVE_MS);
                if (v < 0) {
                    break;
                }
                byte[] img = live.snapshot(id);
                if (img != null) {
                    out.write(("--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + img.length
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(img);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush(); // a viewer that left fails here: the stream ends and frees its thread
                }
                version = v;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the viewer went away
        }
    }

    private static void jpeg(HttpExchange ex, byte[] img, String cacheControl) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", cacheControl);
        ex.getResponseHeaders().set("Content-Type", "image/jpeg");
        ex.sendResponseHeaders(200, img.length);
        ex.getResponseBody().write(img);
        ex.getResponseBody().close();
    }

    /** The camera's recent windows, oldest first, for a sparkline. */
    private ArrayNode windows(String key) {
        ArrayNode arr = JSON.createArrayNode();
        for (ComplianceWindow w : compliance.windows(key)) {
            ObjectNode o = arr.addObject();
            o.put("window_start_ms", w.windowStartMs());
            o.put("persons", w.persons());
            if (w.compliance() == null) {
                o.putNull("compliance");
            } else {
                o.put("compliance", w.compliance());
            }
        }
        return arr;
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
        n.set("windows", windows(key));
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
