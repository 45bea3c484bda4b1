package io.maskwatch.common.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small HTTP server every service runs: {@code /metrics} (Prometheus text format),
 * {@code /health/live} (every worker loop is alive: liveness checks) and {@code /health/ready} (every check passes).
 * Services may add their own routes (the alerter's API) with {@link #route}.
 *
 * <p>Hardened against clients that misbehave: a request body larger than {@link #maxBodyBytes}
 * gets 413; a request (headers and body) not received within {@link #MAX_REQUEST_SECONDS} s has its
 * connection closed; routes run on a bounded pool (503 when it is full) while {@code /health/*}
 * answers on the connection threads, so a flood of API requests cannot make Kubernetes restart a
 * healthy pod.
 */
public final class ServiceHttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceHttpServer.class);
    /** Largest request body a route accepts (the API takes none but a sign-in form). */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    /** Time to receive a request's headers and body; then the JDK server closes the connection. */
    public static final long MAX_REQUEST_SECONDS = 10;
    private static final int ROUTE_THREADS = 4;
    private static final int ROUTE_QUEUE = 64;
    private static final int STREAM_THREADS = 8;

    static {
        // Read once by the JDK's server when its first instance is created; an operator's -D wins.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", Long.toString(MAX_REQUEST_SECONDS));
        }
    }

    private final String service;
    private final HttpServer server;
    /** Parses requests and answers /health/* itself; hands every other route to {@link #routes}. */
    private final ExecutorService executor;
    private final ThreadPoolExecutor routes;
    private ThreadPoolExecutor streams;
    private volatile int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private final Map<String, HealthCheck> checks = new LinkedHashMap<>();
    private final Map<String, HealthCheck> liveChecks = new LinkedHashMap<>();
    private volatile Predicate<HttpExchange> metricsGuard = ex -> true;

    /**
     * @param port 0 picks a free port (tests and the one-process demo)
     */
    public ServiceHttpServer(String service, String host, int port, PrometheusMeterRegistry registry) throws IOException {
        this.service = service;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
        this.executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, service + "-http");
            t.setDaemon(true);
            return t;
        });
        this.routes = new ThreadPoolExecutor(ROUTE_THREADS, ROUTE_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(ROUTE_QUEUE), r -> {
                    Thread t = new Thread(r, service + "-http-route");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        server.setExecutor(executor);
        route("/metrics", ex -> {
            if (!metricsGuard.test(ex)) {
                unauthorized(ex);
                return;
            }
            respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        });
        health("/health/live", this::live);
        health("/health/ready", this::ready);
    }

    public ServiceHttpServer start() {
        server.start();
        log.info("{} HTTP on {} (/metrics, /health/live, /health/ready)", service, baseUrl());
        return this;
    }

    /**
     * Lets only requests that pass {@code allowed} read {@code /metrics} (they carry camera ids and, on
     * the alerter, compliance figures: every service's API token guards them, {@link BearerToken} on
     * ingest and detector); others get 401. {@code /health/*} stays open.
     */
    public ServiceHttpServer protectMetrics(Predicate<HttpExchange> allowed) {
        this.metricsGuard = allowed;
        return this;
    }

    /**
     * A liveness condition: while it reports a problem, {@code /health/live} answers 503 so the
     * orchestrator restarts the process (a worker loop that died or stopped making progress).
     * Only for conditions a restart can cure; a broker or webhook outage is not one.
     */
    public synchronized ServiceHttpServer addLivenessCheck(String name, HealthCheck check) {
        liveChecks.put(name, check);
        return this;
    }

    public synchronized ServiceHttpServer addCheck(String name, HealthCheck check) {
        checks.put(name, check);
        return this;
    }

    /** Requests with a larger body get 413 before the route sees them. */
    public ServiceHttpServer maxBodyBytes(int bytes) {
        this.maxBodyBytes = bytes;
        return this;
    }

    /** Adds a route; it runs on the bounded route pool (503 when that is full). */
    public ServiceHttpServer route(String path, HttpHandler handler) {
        return route(path, handler, ex -> false);
    }

    /**
     * Adds a route whose requests matching {@code streaming} (long-lived responses such as MJPEG) run
     * on their own pool of {@value #STREAM_THREADS} threads instead, so viewers never starve the API
     * (503 when all are busy).
     */
    public ServiceHttpServer route(String path, HttpHandler handler, Predicate<HttpExchange> streaming) {
        server.createContext(path, ex -> {
            try {
                (streaming.test(ex) ? streams() : routes).execute(() -> handle(path, handler, ex));
            } catch (RejectedExecutionException e) {
                // Busy: say so at once rather than queue without bound; /health/* is unaffected.
                try {
                    ex.getResponseHeaders().set("Retry-After", "1");
                    respond(ex, 503, "application/json", "{\"error\":\"busy, retry shortly\",\"status\":503}");
                } finally {
                    ex.close();
                }
            }
        });
        return this;
    }

    private synchronized ThreadPoolExecutor streams() {
        if (streams == null) {
            streams = new ThreadPoolExecutor(STREAM_THREADS, STREAM_THREADS, 0, TimeUnit.MILLISECONDS,
                    new java.util.concurrent.SynchronousQueue<>(), r -> {
                        Thread t = new Thread(r, service + "-http-stream");
                        t.setDaemon(true);
                        return t;
                    }, new ThreadPoolExecutor.AbortPolicy());
        }
        return streams;
    }

    /** Health routes answer on the connection threads, never queued behind API requests. */
    private void health(String path, HttpHandler handler) {
        server.createContext(path, ex -> handle(path, handler, ex));
    }

    private void handle(String path, HttpHandler handler, HttpExchange ex) {
        try {
            if (limitBody(ex)) {
                handler.handle(ex);
            }
        } catch (BodyTooLarge e) {
            tooLarge(ex);
        } catch (RuntimeException | IOException e) {
            log.warn("{} {} failed: {}", ex.getRequestMethod(), path, e.toString());
            try {
                respond(ex, 500, "application/json", "{\"error\":\"internal error\"}");
            } catch (IOException | RuntimeException ignored) {
                // the client went away, or the response had begun
            }
        } finally {
            ex.close();
        }
    }

    /** False (413 sent) when the declared length is too large; otherwise caps a chunked body as it is read. */
    private boolean limitBody(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        int max = maxBodyBytes;
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                respond(ex, 400, "application/json", "{\"error\":\"bad Content-Length\",\"status\":400}");
                return false;
            }
            if (n > max) {
                tooLarge(ex);
                return false;
            }
            return true;
        }
        InputStream body = ex.getRequestBody();
        ex.setStreams(new InputStream() {
            private long read;

            @Override
            public int read() throws IOException {
                int b = body.read();
                count(b < 0 ? 0 : 1);
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = body.read(buf, off, len);
                count(Math.max(n, 0));
                return n;
            }

            private void count(int n) throws BodyTooLarge {
                read += n;
                if (read > max) {
                    throw new BodyTooLarge();
                }
            }
        }, null);
        return true;
    }

    private void tooLarge(HttpExchange ex) {
        try {
            respond(ex, 413, "application/json", "{\"error\":\"request body larger than " + maxBodyBytes
                    + " bytes\",\"status\":413}");
        } catch (IOException | RuntimeException ignored) {
            // the response had begun, or the client went away
        }
    }

    private static final class BodyTooLarge extends IOException {
        BodyTooLarge() {
            super("request body too large");
        }
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

    private synchronized void live(HttpExchange ex) throws IOException {
        report(ex, liveChecks);
    }

    private synchronized void ready(HttpExchange ex) throws IOException {
        report(ex, checks);
    }

    /** 200 with every check UP, else 503 naming each problem. */
    private void report(HttpExchange ex, Map<String, HealthCheck> which) throws IOException {
        StringBuilder body = new StringBuilder("{\"service\":\"").append(service).append("\",\"checks\":{");
        boolean ok = true;
        boolean first = true;
        for (var e : which.entrySet()) {
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

    /** 401 with no detail (missing, short and wrong tokens look the same). */
    public static void unauthorized(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"maskwatch\"");
        respond(ex, 401, "application/json", "{\"error\":\"unauthorized\",\"status\":401}");
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
        routes.shutdownNow();
        synchronized (this) {
            if (streams != null) {
                streams.shutdownNow();
            }
        }
        executor.shutdownNow();
    }
}
