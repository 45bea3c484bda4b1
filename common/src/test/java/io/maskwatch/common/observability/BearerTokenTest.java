package io.maskwatch.common.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Ingest's and detector's token on a real server: /metrics and guarded routes need it, /health/* does not. */
class BearerTokenTest {
    private static final String TOKEN = "metrics-token-0123456789abcdef";
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsAndGuardedRoutesNeedTheTokenHealthDoesNot() throws Exception {
        PrometheusMeterRegistry registry = Metrics.newRegistry("ingest");
        registry.counter("maskwatch_test_frames_total", "camera", "lobby").increment();
        BearerToken token = BearerToken.of(TOKEN);
        try (ServiceHttpServer server = new ServiceHttpServer("ingest", "127.0.0.1", 0, registry)) {
            server.protectMetrics(token);
            server.route("/cameras", token.guard(ex -> ServiceHttpServer.respond(ex, 200, "application/json", "{\"cameras\":[]}")));
            server.start();
            String base = server.baseUrl();
            String unauthorized = "{\"error\":\"unauthorized\",\"status\":401}";
            for (String path : new String[] {"/metrics", "/cameras"}) {
                for (String auth : new String[] {null, "Bearer ", "Bearer short", "Bearer " + TOKEN.substring(0, 20),
                        "Bearer " + TOKEN + "x", "Basic " + TOKEN, TOKEN}) {
                    HttpResponse<String> r = get(base + path, auth);
                    assertEquals(401, r.statusCode(), path + " with " + auth);
                    assertEquals(unauthorized, r.body(), "no detail: missing, short, prefix and wrong tokens look the same");
                    assertEquals("Bearer realm=\"maskwatch\"", r.headers().firstValue("WWW-Authenticate").orElse(null));
                }
                assertEquals(401, get(base + path + "?token=" + TOKEN, null).statusCode(), "never in a URL");
            }
            HttpResponse<String> metrics = get(base + "/metrics", "Bearer " + TOKEN);
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("maskwatch_test_frames_total{camera=\"lobby\""), metrics.body());
            assertEquals(200, get(base + "/metrics", "bearer " + TOKEN).statusCode(), "the scheme is case-insensitive");
            assertEquals("{\"cameras\":[]}", get(base + "/cameras", "Bearer " + TOKEN).body());
            assertEquals(200, get(base + "/health/live", null).statusCode(), "probes carry no token");
            assertEquals(200, get(base + "/health/ready", null).statusCode());
        }
    }

    @Test
    void shortTokensAreRefusedAndTheStartUpMessageSaysHowToSetOne() {
        assertThrows(IllegalArgumentException.class, () -> BearerToken.of("too-short"));
        assertThrows(IllegalArgumentException.class, () -> BearerToken.of(null));
        assertNull(BearerToken.problem("api-token", null), "unset is the command's problem, not the section's");
        assertEquals("api-token must be at least 16 characters (e.g. the output of 'openssl rand -hex 32')",
                BearerToken.problem("api-token", "hunter2"));
        assertFalse(BearerToken.problem("api-token", "hunter2").contains("hunter2"), "never echoes the token");
        String msg = BearerToken.required("detector", "/metrics names every camera, so it needs a token");
        assertTrue(msg.startsWith("detector.api-token is not set: /metrics names every camera, so it needs a token. "
                + "Set MASKWATCH_DETECTOR_API_TOKEN"), msg);
    }
}
