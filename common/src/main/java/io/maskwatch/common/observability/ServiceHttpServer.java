package io.maskwatch.common.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small HTTP server every service runs: {@code /metrics} (Prometheus text format),
 * {@code /health/live} (the process is up) and {@code /health/ready} (every check passes).
 * Services may add their own routes (the alerter's API) with {@link #route}.
 */
public final class ServiceHttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceHttpServer.class);

    private final String service;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, HealthCheck> checks = new LinkedHashMap<>();
    private volatile Predicate<HttpExchange> metricsGuard = ex -> true;

    /**
     * @param port 0 picks a free port (tests and the one-process demo)
     */
    public ServiceHttpServer(String service, String host, int port, PrometheusMeterRegistry registry) throws IOException {
        this.service = service;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, service + "-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        route("/metrics", ex -> {
            if (!metricsGuard.test(ex)) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"maskwatch\"");
                respond(ex, 401, "application/json", "{\"error\":\"unauthorized\",\"status\":401}");
                return;
            }
            respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        });
        route("/health/live", ex -> respond(ex, 200, "application/json", "{\"status\":\"UP\",\"service\":\"" + service + "\"}"));
        route("/health/ready", this::ready);
    }

    public ServiceHttpServer start() {
        server.start();
        log.info("{} HTTP on {} (/metrics, /health/live, /health/ready)", service, baseUrl());
        return this;
    }

    /**
     * Lets only requests that pass {@code allowed} read {@code /metrics} (the alerter's carry camera ids
     * and compliance figures: its API token guards them); others get 401. {@code /health/*} stays open.
     */
    public ServiceHttpServer protectMetrics(Predicate<HttpExchange> allowed) {
        this.metricsGuard = allowed;
        return this;
    }

    public synchronized ServiceHttpServer addCheck(String name, HealthCheck check) {
        checks.put(name, check);
        return this;
    }

    public ServiceHttpServer route(String path, HttpHandler handler) {
        server.createContext(path, ex -> {
            try {
                handler.handle(ex);
            } catch (RuntimeException | IOException e) {
                log.warn("{} {} failed: {}", ex.getRequestMethod(), path, e.toString());
                try {
                    respond(ex, 500, "application/json", "{\"error\":\"internal error\"}");
                } catch (IOException ignored) {
                    // the client went away
                }
            } finally {
                ex.close();
            }
        });
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        var address = server.getAddress().getAddress();
        String host = address.isAnyLocalAddress() ? "localhost" : server.getAddress().getHostString();
        if (host.contains(":")) {
            host = "[" + host + "]"; // IPv6 literal
        }
        return "http://" + host + ":" + port();
    }

    private synchronized void ready(HttpExchange ex) throws IOException {
        StringBuilder body = new StringBuilder("{\"service\":\"").append(service).append("\",\"checks\":{");
        boolean ok = true;
        boolean first = true;
        for (var e : checks.entrySet()) {
            String problem;
            try {
                problem = e.getValue().problem();
            } catch (RuntimeException err) {
                problem = err.toString();
            }
            ok &= problem == null;
            body.append(first ? "" : ",").append('"').append(jsonEscape(e.getKey())).append("\":\"")
                    .append(problem == null ? "UP" : jsonEscape(problem)).append('"');
            first = false;
        }
        body.append("},\"status\":\"").append(ok ? "UP" : "DOWN").append("\"}");
        respond(ex, ok ? 200 : 503, "application/json", body.toString());
    }

    public static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        respond(ex, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    public static void respond(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    public static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
