package io.maskwatch.common.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ServiceHttpServerTest {
    @Test
    void servesMetricsAndHealth() throws Exception {
        PrometheusMeterRegistry registry = Metrics.newRegistry("test");
        registry.counter("maskwatch_test_things_total").increment(3);
        AtomicReference<String> problem = new AtomicReference<>("model not loaded");
        try (ServiceHttpServer server = new ServiceHttpServer("test", "127.0.0.1", 0, registry)) {
            server.addCheck("model", problem::get).start();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> metrics = get(http, server.baseUrl() + "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("maskwatch_test_things_total{service=\"test\"} 3.0"), metrics.body());
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"));
            assertTrue(metrics.body().contains("process_cpu_usage"));
            assertEquals(200, get(http, server.baseUrl() + "/health/live").statusCode());
            HttpResponse<String> notReady = get(http, server.baseUrl() + "/health/ready");
            assertEquals(503, notReady.statusCode());
            assertTrue(notReady.body().contains("model not loaded"));
            problem.set(null);
            assertEquals(200, get(http, server.baseUrl() + "/health/ready").statusCode());
        }
    }

    @Test
    void aDeadWorkerLoopFailsLivenessWithItsReason() throws Exception {
        java.time.Instant start = java.time.Instant.parse("2026-01-01T00:00:00Z");
        AtomicReference<java.time.Instant> now = new AtomicReference<>(start);
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return now.get();
            }
        };
        HealthCheck.Heartbeat loop = new HealthCheck.Heartbeat("consumer loop", java.time.Duration.ofSeconds(30), clock);
        try (ServiceHttpServer server = new ServiceHttpServer("test", "127.0.0.1", 0, Metrics.newRegistry("test"))) {
            server.addLivenessCheck("consumer loop", loop.liveness()).start();
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(200, get(http, server.baseUrl() + "/health/live").statusCode());
            now.set(start.plusSeconds(45)); // the loop has not come round for 45 s
            HttpResponse<String> stalled = get(http, server.baseUrl() + "/health/live");
            assertEquals(503, stalled.statusCode());
            assertTrue(stalled.body().contains("made no progress for 45 s"), stalled.body());
            loop.beat();
            assertEquals(200, get(http, server.baseUrl() + "/health/live").statusCode());
            loop.stopped("commit failed: authorization");
            HttpResponse<String> dead = get(http, server.baseUrl() + "/health/live");
            assertEquals(503, dead.statusCode());
            assertTrue(dead.body().contains("consumer loop stopped: commit failed: authorization"), dead.body());
            assertEquals(200, get(http, server.baseUrl() + "/health/ready").statusCode(), "readiness has its own checks");
        }
    }

    @Test
    void bodiesLargerThanTheLimitGet413() throws Exception {
        try (ServiceHttpServer server = new ServiceHttpServer("test", "127.0.0.1", 0, Metrics.newRegistry("test"))) {
            server.maxBodyBytes(1024).route("/echo", ex -> ServiceHttpServer.respond(ex, 200, "text/plain",
                    ex.getRequestBody().readAllBytes())).start();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> small = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofString("token=abc")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, small.statusCode());
            assertEquals("token=abc", small.body());
            HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[4096])).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, big.statusCode(), big.body());
            // Chunked (no Content-Length): cut off while reading.
            HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[8192])))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, chunked.statusCode(), chunked.body());
        }
    }

    @Test
    void aRequestThatIsNeverCompletedHasItsConnectionClosed() throws Exception {
        try (ServiceHttpServer server = new ServiceHttpServer("test", "127.0.0.1", 0, Metrics.newRegistry("test"));
             java.net.Socket slow = new java.net.Socket("127.0.0.1", server.start().port())) {
            // Headers begun and never finished (slowloris): the server closes the connection itself.
            slow.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\n".getBytes());
            slow.getOutputStream().flush();
            slow.setSoTimeout((int) (ServiceHttpServer.MAX_REQUEST_SECONDS * 1000 * 6));
            assertEquals(-1, slow.getInputStream().read(), "the server closed the connection without answering");
        }
    }

    @Test
    void healthAnswersWhileEveryRouteThreadIsBusy() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger entered = new java.util.concurrent.atomic.AtomicInteger();
        try (ServiceHttpServer server = new ServiceHttpServer("test", "127.0.0.1", 0, Metrics.newRegistry("test"))) {
            server.route("/api/slow", ex -> {
                entered.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ServiceHttpServer.respond(ex, 200, "text/plain", "done");
            }).start();
            HttpClient http = HttpClient.newHttpClient();
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                flood.add(http.sendAsync(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/slow")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            while (entered.get() < 4) {
                Thread.sleep(20);
            }
            // Every route thread is stuck: health still answers, and so does readiness.
            // (A time-out only so that a starved server fails the test instead of hanging it.)
            java.time.Duration guard = java.time.Duration.ofSeconds(60);
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health/live")).timeout(guard)
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health/ready")).timeout(guard)
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            release.countDown();
            int ok = 0;
            int busy = 0;
            for (var f : flood) {
                int status = f.get().statusCode();
                ok += status == 200 ? 1 : 0;
                busy += status == 503 ? 1 : 0;
            }
            assertEquals(100, ok + busy, "every request got 200 or 503");
            assertTrue(ok >= 4, "the route threads answered: " + ok);
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
