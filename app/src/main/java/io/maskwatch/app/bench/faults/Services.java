package io.maskwatch.app.bench.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The MaskWatch services as child JVMs ({@code io.maskwatch.app.Main <service> --config FILE}), each
 * with its own YAML written here: small heaps, the 3-broker cluster, topics with replication factor 3.
 */
final class Services {
    static final String API_TOKEN = "fault-bench-api-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dir;
    private final Path repoRoot;
    private final String bootstrap;
    private final String webhookUrl;
    final Path alerterState;

    Services(Path dir, Path repoRoot, String bootstrap, String webhookUrl) throws IOException {
        this.dir = dir;
        this.repoRoot = repoRoot;
        this.bootstrap = bootstrap;
        this.webhookUrl = webhookUrl;
        this.alerterState = dir.resolve("alerter-state");
        Files.createDirectories(alerterState);
    }

    /** A service JVM plus the port of its HTTP server (health, metrics). */
    record Service(ChildJvm jvm, int httpPort) {
        boolean ready() {
            return status("/health/ready") == 200;
        }

        int status(String path) {
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding());
                return r.statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        /** Waits for /health/ready; a process that died meanwhile fails at once with its log. */
        void awaitReady(long timeoutMs) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (!ready()) {
                if (!jvm.alive()) {
                    throw new IllegalStateException(jvm.name() + " exited before it was ready:\n" + jvm.tail(30));
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(jvm.name() + " not ready after " + timeoutMs + " ms:\n" + jvm.tail(30));
                }
                Thread.sleep(250);
            }
        }
    }

    private String kafka() {
        return """
                kafka:
                  bootstrap-servers: %s
                  partitions: 4
                  replication-factor: 3
                  client-properties:
                    session.timeout.ms: "10000"
                    heartbeat.interval.ms: "2000"
                """.formatted(bootstrap);
    }

    private Service service(String name, String command, String yaml, int port, String heap, boolean c1) throws IOException {
        Path cfg = dir.resolve(name + ".yaml");
        Files.writeString(cfg, yaml);
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap, "-XX:+UseSerialGC", "-Dai.djl.offline=true",
                "-Dmaskwatch.home=" + repoRoot));
        if (c1) {
            jvm.add("-XX:TieredStopAtLevel=1");
        }
        return new Service(new ChildJvm(name, jvm, "io.maskwatch.app.Main", List.of(command, "--config", cfg.toString()), dir),
                port);
    }

    Service detector(int index) throws IOException {
        int port = freePort();
        return service("detector-" + index, "detector", kafka() + """
                detector:
                  backend: blazeface
                  tiling:
                    mode: "off"
                  max-frame-age-ms: 0      # the bench counts every frame; none may be skipped as too old
                  http-port: %d
                  api-token: %s
                """.formatted(port, API_TOKEN), port, "512m", false);
    }

    Service alerter() throws IOException {
        int port = freePort();
        return service("alerter", "alerter", kafka() + """
                alerter:
                  state-dir: %s
                  http-host: 127.0.0.1
                  http-port: %d
                  api-token: %s
                  notifications:
                    window-ms: 2000
                    rate-limit-ms: 1000
                    sinks:
                      - type: webhook
                        name: bench
                        url: %s
                        timeout-ms: 2000
                        max-retries: 20
                        initial-backoff-ms: 1000
                        max-backoff-ms: 20000
                  streams-properties:
                    session.timeout.ms: "10000"
                    heartbeat.interval.ms: "2000"
                """.formatted(alerterState, port, API_TOKEN, webhookUrl), port, "384m", true);
    }

    /** Ingest of {@code cameras} looping file cameras named {@code <prefix>-c<i>}. */
    Service ingest(String name, String prefix, List<Path> clips, int cameras, double fps) throws IOException {
        StringBuilder cams = new StringBuilder("cameras:\n");
        for (int i = 0; i < cameras; i++) {
            cams.append("""
                      - id: %s-c%d
                        url: %s
                        fps: %s
                        max-width: 640
                        loop: true
                    """.formatted(prefix, i, clips.get(i % clips.size()).toAbsolutePath(), fps));
        }
        return ingest(name, cams.toString());
    }

    /** Ingest of RTSP cameras {@code <prefix>-c<i>} at {@code urls.get(i)} (TCP, ingest's default reconnect backoff). */
    Service ingestRtsp(String name, String prefix, List<String> urls, double fps) throws IOException {
        StringBuilder cams = new StringBuilder("cameras:\n");
        for (int i = 0; i < urls.size(); i++) {
            cams.append("""
                      - id: %s-c%d
                        url: %s
                        fps: %s
                        max-width: 640
                        transport: tcp
                    """.formatted(prefix, i, urls.get(i), fps));
        }
        return ingest(name, cams.toString());
    }

    private Service ingest(String name, String cameras) throws IOException {
        int port = freePort();
        return service(name, "ingest", kafka() + cameras + """
                ingest:
                  http-port: %d
                  api-token: %s
                  file-realtime: true
                """.formatted(port, API_TOKEN), port, "256m", true);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
