package io.maskwatch.alerter.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskwatch.common.contract.Notification;
import io.maskwatch.common.serde.EventSerdes;
import io.maskwatch.common.serde.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * POSTs a notification: as the Notification JSON (generic webhook) or as a Slack-compatible
 * incoming-webhook payload ({@code {"text": ...}}, also understood by Mattermost, Rocket.Chat and
 * Teams connectors). 2xx is delivered; timeouts, connection errors, 408, 429 and 5xx are retried;
 * any other status is a permanent failure (a wrong URL or token does not heal by retrying).
 */
final class HttpSink implements Sink {
    enum Format { WEBHOOK, SLACK }

    private static final ObjectMapper JSON = Json.eventMapper();
    private final SinkConfig cfg;
    private final HttpClient http;
    private final Format format;
    private final URI uri;

    HttpSink(SinkConfig cfg, HttpClient http, Format format) {
        this.cfg = cfg;
        this.http = http;
        this.format = format;
        this.uri = URI.create(cfg.url());
    }

    @Override
    public SinkConfig config() {
        return cfg;
    }

    byte[] payload(Notification n) {
        if (format == Format.WEBHOOK) {
            return EventSerdes.notifications().serialize(null, n);
        }
        StringBuilder text = new StringBuilder(slackEscape(n.message()));
        for (int i = 0; i < n.snapshotUrls().size(); i++) {
            text.append(i == 0 ? "\n" : " · ").append('<').append(n.snapshotUrls().get(i)).append("|snapshot ")
                    .append(i + 1).append('>');
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("text", text.toString());
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String slackEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public Result deliver(Notification n) throws InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMillis(cfg.timeoutMs()))
                .header("Content-Type", "application/json")
                .header("User-Agent", "maskwatch-alerter")
                .header("Idempotency-Key", n.notificationId())
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload(n)));
        cfg.headers().forEach(req::header);
        try {
            HttpResponse<Void> resp = http.send(req.build(), HttpResponse.BodyHandlers.discarding());
            int s = resp.statusCode();
            if (s >= 200 && s < 300) {
                return Result.OK;
            }
            String reason = "HTTP " + s;
            return s == 408 || s == 429 || s >= 500 ? Result.retry(reason) : Result.permanent(reason);
        } catch (HttpTimeoutException e) {
            return Result.retry("timed out after " + cfg.timeoutMs() + " ms");
        } catch (IOException e) {
            // The exception text may name the host; the type says enough and keeps secrets out.
            return Result.retry("connection failed (" + e.getClass().getSimpleName() + ")");
        }
    }
}
