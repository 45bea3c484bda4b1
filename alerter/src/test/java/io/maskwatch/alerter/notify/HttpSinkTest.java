package io.maskwatch.alerter.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.maskwatch.common.contract.Notification;
import io.maskwatch.common.contract.PersonStatus;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One delivery attempt against a real local HTTP server: what is retried, what is not, what is sent. */
class HttpSinkTest {
    private HttpServer server;
    private final AtomicReference<String> lastBody = new AtomicReference<>();
    private final AtomicReference<String> lastAuth = new AtomicReference<>();
    private final AtomicReference<String> lastKey = new AtomicReference<>();
    private final HttpClient client = HttpClient.newHttpClient();
    private static final Notification N = new Notification(2, "n-cam-1-0-1", "cam", "Gate <B> & C", 1, 2,
            List.of("cam-1-0-1"), List.of(PersonStatus.UNMASKED), "1 person without a mask at Gate <B> & C in the last 10 s",
            List.of("http://a/api/alerts/cam-1-0-1/face.jpg"));

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        for (int status : new int[] {204, 404, 429, 500}) {
            server.createContext("/s" + status, ex -> {
                lastBody.set(new String(ex.getRequestBody().readAllBytes()));
                lastAuth.set(ex.getRequestHeaders().getFirst("Authorization"));
                lastKey.set(ex.getRequestHeaders().getFirst("Idempotency-Key"));
                ex.sendResponseHeaders(status, -1);
                ex.close();
            });
        }
        server.createContext("/slow", ex -> {
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Sink sink(String type, String path, long timeoutMs) {
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + path;
        return Sink.of(new SinkConfig(type, type, url, Map.of("Authorization", "Bearer abc"), timeoutMs, 1, 10L, 10L), client);
    }

    @Test
    void classifiesOutcomes() throws Exception {
        assertTrue(sink("webhook", "/s204", 2_000).deliver(N).delivered());
        Sink.Result notFound = sink("webhook", "/s404", 2_000).deliver(N);
        assertFalse(notFound.delivered() || notFound.retryable(), "a wrong URL is not retried");
        assertEquals("HTTP 404", notFound.reason());
        assertTrue(sink("webhook", "/s429", 2_000).deliver(N).retryable());
        assertTrue(sink("webhook", "/s500", 2_000).deliver(N).retryable());
        Sink.Result slow = sink("webhook", "/slow", 200).deliver(N);
        assertTrue(slow.retryable());
        assertEquals("timed out after 200 ms", slow.reason());
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Sink refused = Sink.of(SinkConfig.http("webhook", "w", "http://127.0.0.1:" + closed + "/x"), client);
        Sink.Result r = refused.deliver(N);
        assertTrue(r.retryable());
        assertFalse(r.reason().contains("127.0.0.1"), "no URL in reasons: " + r.reason());
    }

    @Test
    void webhookSendsTheNotificationJsonWithHeaders() throws Exception {
        sink("webhook", "/s204", 2_000).deliver(N);
        var json = new ObjectMapper().readTree(lastBody.get());
        assertEquals("n-cam-1-0-1", json.get("notification_id").asText());
        assertEquals("cam-1-0-1", json.get("alert_ids").get(0).asText());
        assertEquals("Bearer abc", lastAuth.get());
        assertEquals("n-cam-1-0-1", lastKey.get());
    }

    @Test
    void slackPayloadIsTextWithEscapedMessageAndLinks() throws Exception {
        sink("slack", "/s204", 2_000).deliver(N);
        var json = new ObjectMapper().readTree(lastBody.get());
        assertEquals("1 person without a mask at Gate &lt;B&gt; &amp; C in the last 10 s\n"
                + "<http://a/api/alerts/cam-1-0-1/face.jpg|snapshot 1>", json.get("text").asText());
    }

    @Test
    void backoffDoublesUpToTheCap() {
        SinkConfig c = new SinkConfig("webhook", "w", "http://x/", null, null, 10, 500L, 3_000L);
        assertEquals(List.of(500L, 1_000L, 2_000L, 3_000L, 3_000L),
                List.of(c.backoffMs(1), c.backoffMs(2), c.backoffMs(3), c.backoffMs(4), c.backoffMs(5)));
    }
}
