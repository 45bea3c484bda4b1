package io.maskwatch.alerter.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskwatch.common.contract.Alert;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API over real HTTP, with and without a token. */
class AlerterApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String T = ApiFixture.TOKEN;
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<byte[]> get(String url, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.get("alerts").forEach(a -> out.add(a.get("alert_id").asText()));
        return out;
    }

    @Test
    void apiListsFiltersAndServesImages() throws Exception {
        try (ApiFixture f = new ApiFixture()) {
            Alert a1 = f.index.query(java.util.Set.of(), null, null, 10).get(2);
            Alert a3 = f.index.query(java.util.Set.of(), null, null, 10).get(0);

            HttpResponse<byte[]> all = get(f.url("/api/alerts"), T);
            assertEquals(200, all.statusCode());
            assertEquals("application/json", all.headers().firstValue("Content-Type").orElse(""));
            JsonNode body = json(all);
            assertEquals(3, body.get("count").asInt());
            assertEquals(a3.alertId(), ids(body).get(0), "newest first");
            JsonNode first = body.get("alerts").get(2);
            assertEquals("Entrance A", first.get("camera_name").asText());
            assertEquals("/api/alerts/" + a1.alertId() + "/face.jpg", first.get("face_url").asText());
            assertTrue(body.get("alerts").get(0).get("heatmap_url").isNull(), "lobby alert has no heat map");
            assertEquals("incorrect", body.get("alerts").get(0).get("status").asText());
            assertEquals("mask below nose", body.get("alerts").get(0).get("status_text").asText());
            assertEquals("unmasked", first.get("status").asText());
            assertEquals("no mask", first.get("status_text").asText());

            assertEquals(2, json(get(f.url("/api/alerts?camera=entrance-a"), T)).get("count").asInt());
            assertEquals(3, json(get(f.url("/api/alerts?camera=entrance-a,lobby"), T)).get("count").asInt());
            assertEquals(List.of(a1.alertId()),
                    ids(json(get(f.url("/api/alerts?from=" + (ApiFixture.NOW - 60_000) + "&to=" + (ApiFixture.NOW - 30_000)), T))));
            assertEquals(2, json(get(f.url("/api/alerts?from=" + java.time.Instant.ofEpochMilli(ApiFixture.NOW - 30_000)), T))
                    .get("count").asInt(), "ISO-8601 times work too");
            assertEquals(1, json(get(f.url("/api/alerts?limit=1"), T)).get("count").asInt());

            HttpResponse<byte[]> bad = get(f.url("/api/alerts?limit=lots"), T);
            assertEquals(400, bad.statusCode());
            assertTrue(json(bad).get("error").asText().contains("limit"));
            assertEquals(400, get(f.url("/api/alerts?from=yesterday"), T).statusCode());

            JsonNode one = json(get(f.url("/api/alerts/" + a1.alertId()), T));
            assertEquals(a1.trackId(), one.get("track_id").asText());
            assertEquals(a1.frameCount(), one.get("frame_count").asInt());

            HttpResponse<byte[]> face = get(f.url("/api/alerts/" + a1.alertId() + "/face.jpg"), T);
            assertEquals(200, face.statusCode());
            assertEquals("image/jpeg", face.headers().firstValue("Content-Type").orElse(""));
            assertArrayEquals(a1.faceJpeg(), face.body());
            assertArrayEquals(a1.heatmapJpeg(), get(f.url("/api/alerts/" + a1.alertId() + "/heatmap.jpg"), T).body());
            assertEquals(404, get(f.url("/api/alerts/" + a3.alertId() + "/heatmap.jpg"), T).statusCode());
            assertEquals(404, get(f.url("/api/alerts/nope-1"), T).statusCode());
            assertEquals(404, get(f.url("/api/alerts/" + a1.alertId() + "/other.png"), T).statusCode());
            assertEquals(404, get(f.url("/api/nothing"), T).statusCode());

            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(f.url("/api/alerts")))
                    .header("Authorization", "Bearer " + T).POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());

            HttpResponse<byte[]> page = get(f.url("/"), T);
            assertEquals(200, page.statusCode());
            assertTrue(new String(page.body()).contains("/api/alerts"));
            assertEquals(404, get(f.url("/favicon.ico"), T).statusCode());
        }
    }

    @Test
    void complianceShowsRollingAndLatestWindows() throws Exception {
        try (ApiFixture f = new ApiFixture()) {
            JsonNode c = json(get(f.url("/api/compliance"), T));
            assertEquals(900_000, c.get("rolling_ms").asLong());
            JsonNode facility = c.get("facility");
            assertEquals(7, facility.get("rolling").get("persons").asLong());
            // One of the two non-compliant people wore the mask below the nose: still not compliant.
            assertEquals(5.0 / 7, facility.get("rolling").get("compliance").asDouble(), 1e-9);
            assertEquals(1, facility.get("rolling").get("incorrect").asLong());
            assertEquals(1, facility.get("rolling").get("unmasked").asLong());
            assertEquals(ApiFixture.NOW, facility.get("latest_window").get("window_start_ms").asLong());
            JsonNode cams = c.get("cameras");
            assertEquals(2, cams.size());
            assertEquals("entrance-a", cams.get(0).get("camera_id").asText());
            assertEquals("Entrance A", cams.get(0).get("camera_name").asText());
            assertEquals(6, cams.get(0).get("rolling").get("persons").asLong());
            assertEquals(1, cams.get(1).get("rolling").get("persons").asLong(), "the 40-minute-old lobby window is out");
            assertEquals(1.0, cams.get(1).get("rolling").get("compliance").asDouble());

            String metrics = new String(get(f.url("/metrics"), T).body());
            assertTrue(metrics.contains("maskwatch_alerter_compliance_ratio{camera=\"_facility\",service=\"alerter\"} 0.714"), metrics);
            assertTrue(metrics.contains("maskwatch_alerter_persons_recent{camera=\"entrance-a\",service=\"alerter\",status=\"unmasked\"} 2.0"),
                    metrics);
            assertTrue(metrics.contains("maskwatch_alerter_persons_recent{camera=\"_facility\",service=\"alerter\",status=\"incorrect\"} 1.0"),
                    metrics);
        }
    }

    @Test
    void tokenProtectsTheApiAndMetricsButNotThePageOrHealth() throws Exception {
        try (ApiFixture f = new ApiFixture()) {
            Alert a1 = f.index.query(java.util.Set.of(), null, null, 10).get(2);
            Alert a2 = f.index.query(java.util.Set.of(), null, null, 10).get(1);
            HttpResponse<byte[]> none = get(f.url("/api/alerts"), null);
            assertEquals(401, none.statusCode());
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            // Missing, short and wrong tokens: the same answer, no detail to learn from.
            String body = new String(none.body());
            assertEquals(body, new String(get(f.url("/api/alerts"), "wrong-token-xxxxxxxx").body()));
            assertEquals(body, new String(get(f.url("/api/alerts"), "short").body()));
            assertEquals(401, get(f.url("/api/alerts"), T.substring(0, 15)).statusCode(), "a prefix of the token is not it");
            assertEquals(401, get(f.url("/api/alerts"), T + "x").statusCode());
            assertEquals(401, get(f.url("/api/compliance"), null).statusCode());
            assertEquals(401, get(f.url("/api/alerts/" + a1.alertId() + "/face.jpg"), null).statusCode());

            assertEquals(200, get(f.url("/api/alerts"), T).statusCode());
            assertEquals(200, get(f.url("/api/alerts"), ApiFixture.ADMIN_TOKEN).statusCode(), "admin may read too");
            // Tokens in URLs end up in logs and browser history: no longer accepted.
            assertEquals(401, get(f.url("/api/compliance?token=" + T), null).statusCode());
            assertEquals(401, get(f.url("/api/alerts/" + a1.alertId() + "/face.jpg?token=" + T), null).statusCode());

            // Notification links: signed per alert, never the token itself.
            String link = f.links.face(a1.alertId());
            assertTrue(link.contains("?sig=") && !link.contains(T), link);
            HttpResponse<byte[]> signed = get(link, null);
            assertEquals(200, signed.statusCode());
            assertArrayEquals(a1.faceJpeg(), signed.body());
            String sig = link.substring(link.indexOf("sig=") + 4);
            assertEquals(401, get(f.url("/api/alerts/" + a2.alertId() + "/face.jpg?sig=" + sig), null).statusCode(),
                    "a signature opens only its own alert");
            assertEquals(401, get(f.url("/api/alerts/" + a1.alertId() + "?sig=" + sig), null).statusCode(),
                    "signatures are for images only");

            assertEquals(200, get(f.url("/"), null).statusCode());
            assertEquals(200, get(f.url("/health/live"), null).statusCode());
            assertEquals(200, get(f.url("/health/ready"), null).statusCode());
            // /metrics names cameras and their compliance: Prometheus scrapes it with the read token.
            assertEquals(401, get(f.url("/metrics"), null).statusCode());
            assertEquals(401, get(f.url("/metrics"), "wrong-token-xxxxxxxx").statusCode());
            assertEquals(200, get(f.url("/metrics"), T).statusCode());
        }
    }

    private HttpResponse<byte[]> withCookie(String url, String cookie) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> signIn(ApiFixture f, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(f.url("/api/session")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void signingInSetsAnHttpOnlyStrictCookieThatIsNotTheToken() throws Exception {
        try (ApiFixture f = new ApiFixture()) {
            assertEquals(401, signIn(f, "wrong-token-xxxxxxxx").statusCode());
            // A huge body is refused on its declared length, before a byte of it is read.
            try (java.net.Socket raw = new java.net.Socket("127.0.0.1", f.server.port())) {
                raw.getOutputStream().write(("POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\n\r\ntoken=").getBytes());
                String status = new java.io.BufferedReader(new java.io.InputStreamReader(raw.getInputStream())).readLine();
                assertEquals("HTTP/1.1 413 Request Entity Too Large", status);
            }
            assertTrue(signIn(f, "wrong-token-xxxxxxxx").headers().firstValue("Set-Cookie").isEmpty());
            HttpResponse<byte[]> ok = signIn(f, T);
            assertEquals(204, ok.statusCode());
            String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), setCookie);
            assertFalse(setCookie.contains(T), "the cookie is derived from the token, not the token: " + setCookie);
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));

            assertEquals(200, withCookie(f.url("/api/alerts"), cookie).statusCode());
            Alert a1 = f.index.query(java.util.Set.of(), null, null, 10).get(2);
            assertEquals(200, withCookie(f.url("/api/alerts/" + a1.alertId() + "/face.jpg"), cookie).statusCode(),
                    "the page's image URLs work with the cookie alone");
            assertEquals(401, withCookie(f.url("/api/alerts"), cookie + "x").statusCode());
            assertEquals(401, withCookie(f.url("/api/alerts"), "mw_session=" + T).statusCode(), "the raw token is no cookie");

            String admin = signIn(f, ApiFixture.ADMIN_TOKEN).headers().firstValue("Set-Cookie").orElseThrow();
            assertNotEquals(setCookie, admin, "admin and read sessions differ");
            assertEquals(ApiAuth.Role.ADMIN, f.auth.roleOfToken(ApiFixture.ADMIN_TOKEN).orElseThrow());
            assertEquals(ApiAuth.Role.READ, f.auth.roleOfToken(T).orElseThrow());
            assertFalse(ApiAuth.allows(f.auth.roleOfToken(T), ApiAuth.Role.ADMIN), "the read token cannot administer");
            assertTrue(ApiAuth.allows(f.auth.roleOfToken(ApiFixture.ADMIN_TOKEN), ApiAuth.Role.ADMIN));
        }
    }

    @Test
    void oneTimeLoginLinkWorksOnceAndKeepsTheTokenOutOfTheUrl() throws Exception {
        try (ApiFixture f = new ApiFixture()) {
            String code = f.auth.issueLoginCode();
            assertFalse(code.contains(T));
            HttpResponse<byte[]> first = get(f.url("/login?code=" + code), null);
            assertEquals(303, first.statusCode());
            assertEquals("/", first.headers().firstValue("Location").orElse(""));
            String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), setCookie);
            assertEquals(200, withCookie(f.url("/api/compliance"), setCookie.substring(0, setCookie.indexOf(';'))).statusCode());

            HttpResponse<byte[]> again = get(f.url("/login?code=" + code), null);
            assertEquals(401, again.statusCode(), "a login link works once");
            assertTrue(again.headers().firstValue("Set-Cookie").isEmpty());
            assertEquals(401, get(f.url("/login?code=made-up"), null).statusCode());
            assertEquals(401, get(f.url("/login"), null).statusCode());

            // an admin code opens an admin session (another cookie than the read session), once
            String adminCookie = get(f.url("/login?code=" + f.auth.issueLoginCode(ApiAuth.Role.ADMIN)), null)
                    .headers().firstValue("Set-Cookie").orElseThrow();
            assertNotEquals(setCookie.substring(0, setCookie.indexOf(';')), adminCookie.substring(0, adminCookie.indexOf(';')),
                    "an admin login link must not open a read-only session");
            assertThrows(IllegalStateException.class, () -> new ApiAuth(T, null, java.time.Clock.systemUTC())
                    .issueLoginCode(ApiAuth.Role.ADMIN), "no admin link without an admin token");
        }
    }

    @Test
    void alertsFilterByStatusAndComplianceCarriesTheSparklineWindows() throws Exception {
        try (ApiFixture f = new ApiFixture()) {
            JsonNode incorrect = json(get(f.url("/api/alerts?status=incorrect"), T));
            assertEquals(1, incorrect.get("count").asInt());
            assertEquals("lobby", incorrect.get("alerts").get(0).get("camera_id").asText());
            JsonNode unmasked = json(get(f.url("/api/alerts?status=unmasked&camera=entrance-a,lobby"), T));
            assertEquals(2, unmasked.get("count").asInt());
            unmasked.get("alerts").forEach(a -> assertEquals("entrance-a", a.get("camera_id").asText()));
            assertEquals(3, json(get(f.url("/api/alerts?status=unmasked,incorrect"), T)).get("count").asInt());
            HttpResponse<byte[]> bad = get(f.url("/api/alerts?status=masked"), T);
            assertEquals(400, bad.statusCode());
            assertTrue(new String(bad.body(), java.nio.charset.StandardCharsets.UTF_8).contains("status must be unmasked"));

            JsonNode c = json(get(f.url("/api/compliance"), T));
            JsonNode entrance = null;
            for (JsonNode cam : c.get("cameras")) {
                if (cam.get("camera_id").asText().equals("entrance-a")) {
                    entrance = cam;
                }
            }
            assertNotNull(entrance);
            JsonNode w = entrance.get("windows");
            assertEquals(2, w.size(), "both windows in the rolling span, oldest first: " + w);
            assertEquals(0.75, w.get(0).get("compliance").asDouble(), 1e-9);
            assertEquals(0.5, w.get(1).get("compliance").asDouble(), 1e-9);
            assertEquals(0, json(get(f.url("/api/compliance"), T)).get("cameras").get(1).get("windows").get(0)
                    .get("window_start_ms").asLong() % 60_000);
        }
    }

    @Test
    void pagesAreServedWithoutTokenAndLoginMayGoOnToALocalPageOnly() throws Exception {
        try (ApiFixture f = new ApiFixture()) {
            for (String page : List.of("/cameras", "/cameras/entrance-a", "/alerts/some-id", "/static/mw.js", "/static/mw.css")) {
                assertEquals(200, get(f.url(page), null).statusCode(), page);
            }
            assertEquals(404, get(f.url("/alerts/a/b"), null).statusCode());
            HttpResponse<byte[]> next = get(f.url("/login?code=" + f.auth.issueLoginCode() + "&next=%2Fcameras"), null);
            assertEquals("/cameras", next.headers().firstValue("Location").orElse(""));
            for (String evil : List.of("%2F%2Fevil.example", "https%3A%2F%2Fevil.example", "%2F%5Cevil.example")) {
                HttpResponse<byte[]> r = get(f.url("/login?code=" + f.auth.issueLoginCode() + "&next=" + evil), null);
                assertEquals("/", r.headers().firstValue("Location").orElse(""), evil);
            }
            // Without a live feed the grid is empty, and unknown cameras are 404.
            assertEquals(0, json(get(f.url("/api/cameras"), T)).get("cameras").size());
            assertEquals(404, get(f.url("/api/cameras/entrance-a/snapshot.jpg"), T).statusCode());
            assertEquals(401, get(f.url("/api/cameras"), null).statusCode());
        }
    }
}
