package io.maskwatch.common.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
