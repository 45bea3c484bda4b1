package io.maskwatch.alerter;

import io.maskwatch.alerter.alert.AlertConfig;
import io.maskwatch.alerter.compliance.ComplianceConfig;
import io.maskwatch.alerter.notify.NotificationConfig;
import io.maskwatch.alerter.tracking.TrackingConfig;
import io.maskwatch.common.config.ConfigSection;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code alerter} configuration section (see docs/ALERTER.md for every key).
 *
 * @param applicationId    Kafka Streams application id: consumer group, transactional ids and internal topic prefix
 * @param stateDir         where the Streams state stores live (a persistent volume in production)
 * @param httpHost         interface of the HTTP server (metrics, health, API, page)
 * @param httpPort         port of the HTTP server; 0 picks a free one
 * @param publicBaseUrl    how users reach this service (snapshot links in notifications); default: the HTTP server's URL
 * @param apiToken         required: the read-only token of the API and page ("Authorization: Bearer TOKEN" or the
 *                         session cookie the page's sign-in sets); the alerter refuses to start without it
 * @param adminToken       optional: the token for changing endpoints (erase, acknowledge); it also reads
 * @param streamThreads    Kafka Streams threads
 * @param commitIntervalMs Kafka Streams commit interval: with exactly-once, the latency of every output
 * @param cameraNames      camera id to display name, for cameras not in the top-level {@code cameras} list
 * @param streamsProperties extra Kafka Streams / client settings, e.g. {@code session.timeout.ms},
 *                         {@code num.standby.replicas}, {@code group.instance.id} (exactly-once cannot be turned off)
 */
public record AlerterConfig(
        String applicationId,
        String stateDir,
        String httpHost,
        int httpPort,
        String publicBaseUrl,
        String apiToken,
        String adminToken,
        int streamThreads,
        long commitIntervalMs,
        TrackingConfig tracking,
        AlertConfig alerts,
        NotificationConfig notifications,
        ComplianceConfig compliance,
        Map<String, String> cameraNames,
        Map<String, String> streamsProperties) implements ConfigSection {

    public static final int DEFAULT_HTTP_PORT = 8080;

    public AlerterConfig {
        cameraNames = cameraNames == null ? Map.of() : Map.copyOf(cameraNames);
        streamsProperties = streamsProperties == null ? Map.of() : Map.copyOf(streamsProperties);
        apiToken = apiToken == null || apiToken.isBlank() ? null : apiToken;
        adminToken = adminToken == null || adminToken.isBlank() ? null : adminToken;
        publicBaseUrl = publicBaseUrl == null || publicBaseUrl.isBlank() ? null : stripSlash(publicBaseUrl);
    }

    public static AlerterConfig defaults() {
        return new AlerterConfig("maskwatch-alerter",
                Path.of(System.getProperty("java.io.tmpdir"), "maskwatch", "alerter-state").toString(),
                "0.0.0.0", DEFAULT_HTTP_PORT, null, null, null, 1, 100,
                TrackingConfig.defaults(), AlertConfig.defaults(), NotificationConfig.defaults(),
                ComplianceConfig.defaults(), Map.of(), Map.of());
    }

    public AlerterConfig withStateDir(String dir) {
        return new AlerterConfig(applicationId, dir, httpHost, httpPort, publicBaseUrl, apiToken, adminToken, streamThreads,
                commitIntervalMs, tracking, alerts, notifications, compliance, cameraNames, streamsProperties);
    }

    public AlerterConfig withApplicationId(String id) {
        return new AlerterConfig(id, stateDir, httpHost, httpPort, publicBaseUrl, apiToken, adminToken, streamThreads,
                commitIntervalMs, tracking, alerts, notifications, compliance, cameraNames, streamsProperties);
    }

    public AlerterConfig withHttp(String host, int port, String publicUrl) {
        return new AlerterConfig(applicationId, stateDir, host, port, publicUrl, apiToken, adminToken, streamThreads,
                commitIntervalMs, tracking, alerts, notifications, compliance, cameraNames, streamsProperties);
    }

    public AlerterConfig withApiToken(String token) {
        return new AlerterConfig(applicationId, stateDir, httpHost, httpPort, publicBaseUrl, token, adminToken, streamThreads,
                commitIntervalMs, tracking, alerts, notifications, compliance, cameraNames, streamsProperties);
    }

    public AlerterConfig withAdminToken(String token) {
        return new AlerterConfig(applicationId, stateDir, httpHost, httpPort, publicBaseUrl, apiToken, token, streamThreads,
                commitIntervalMs, tracking, alerts, notifications, compliance, cameraNames, streamsProperties);
    }

    /** Why the alerter cannot start without an API token, and how to give it one. */
    public static final String TOKEN_REQUIRED = "alerter.api-token is not set: the alerter's API and page show "
            + "people's faces, so they need a token. Set MASKWATCH_ALERTER_API_TOKEN (e.g. to the output of "
            + "'openssl rand -hex 32') or alerter.api-token in the config file; clients send "
            + "'Authorization: Bearer TOKEN', people sign in on the page with it";

    public AlerterConfig withCommitIntervalMs(long ms) {
        return new AlerterConfig(applicationId, stateDir, httpHost, httpPort, publicBaseUrl, apiToken, adminToken, streamThreads,
                ms, tracking, alerts, notifications, compliance, cameraNames, streamsProperties);
    }

    public AlerterConfig withTracking(TrackingConfig t) {
        return new AlerterConfig(applicationId, stateDir, httpHost, httpPort, publicBaseUrl, apiToken, adminToken, streamThreads,
                commitIntervalMs, t, alerts, notifications, compliance, cameraNames, streamsProperties);
    }

    public AlerterConfig withAlerts(AlertConfig a) {
        return new AlerterConfig(applicationId, stateDir, httpHost, httpPort, publicBaseUrl, apiToken, adminToken, streamThreads,
                commitIntervalMs, tracking, a, notifications, compliance, cameraNames, streamsProperties);
    }

    public AlerterConfig withNotifications(NotificationConfig n) {
        return new AlerterConfig(applicationId, stateDir, httpHost, httpPort, publicBaseUrl, apiToken, adminToken, streamThreads,
                commitIntervalMs, tracking, alerts, n, compliance, cameraNames, streamsProperties);
    }

    public AlerterConfig withCameraNames(Map<String, String> names) {
        return new AlerterConfig(applicationId, stateDir, httpHost, httpPort, publicBaseUrl, apiToken, adminToken, streamThreads,
                commitIntervalMs, tracking, alerts, notifications, compliance, names, streamsProperties);
    }

    public AlerterConfig withStreamsProperties(Map<String, String> props) {
        return new AlerterConfig(applicationId, stateDir, httpHost, httpPort, publicBaseUrl, apiToken, adminToken, streamThreads,
                commitIntervalMs, tracking, alerts, notifications, compliance, cameraNames, props);
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (applicationId == null || !applicationId.matches("[A-Za-z0-9._-]{1,200}")) {
            out.add("application-id must be 1-200 letters, digits, '.', '_' or '-', got "
                    + (applicationId == null ? "nothing" : "'" + applicationId + "'"));
        }
        if (stateDir == null || stateDir.isBlank()) {
            out.add("state-dir is required (a directory the alerter may write; a persistent volume in production)");
        }
        if (httpHost == null || httpHost.isBlank()) {
            out.add("http-host is required (0.0.0.0 for every interface)");
        }
        if (httpPort < 0 || httpPort > 65535) {
            out.add("http-port must be 0..65535 (0 = any free port), got " + httpPort);
        }
        if (publicBaseUrl != null) {
            try {
                URI u = URI.create(publicBaseUrl);
                if (u.getScheme() == null || !u.getScheme().startsWith("http") || u.getHost() == null) {
                    out.add("public-base-url must be an http(s) URL such as https://alerter.example.com, got '"
                            + publicBaseUrl + "'");
                }
            } catch (IllegalArgumentException e) {
                out.add("public-base-url is not a valid URL: '" + publicBaseUrl + "'");
            }
        }
        if (apiToken != null && apiToken.length() < 16) {
            out.add("api-token must be at least 16 characters (use a random secret), got " + apiToken.length());
        }
        if (adminToken != null && adminToken.length() < 16) {
            out.add("admin-token must be at least 16 characters (use a random secret), got " + adminToken.length());
        }
        if (adminToken != null && adminToken.equals(apiToken)) {
            out.add("admin-token must differ from api-token (whoever may read must not thereby be able to erase)");
        }
        if (streamThreads < 1 || streamThreads > 64) {
            out.add("stream-threads must be 1..64, got " + streamThreads);
        }
        if (commitIntervalMs < 10) {
            out.add("commit-interval-ms must be >= 10, got " + commitIntervalMs);
        }
        for (String k : streamsProperties.keySet()) {
            if (k.equals("processing.guarantee") || k.endsWith(".processing.guarantee")) {
                out.add("streams-properties." + k + ": the alerter always runs exactly_once_v2; remove this key");
            } else if (k.equals("application.id") || k.equals("state.dir")) {
                out.add("streams-properties." + k + ": use alerter." + (k.equals("state.dir") ? "state-dir" : "application-id"));
            }
        }
        if (tracking == null) {
            out.add("tracking must be a mapping");
        } else {
            tracking.problems().forEach(p -> out.add("tracking." + p));
        }
        if (alerts == null) {
            out.add("alerts must be a mapping");
        } else {
            alerts.problems().forEach(p -> out.add("alerts." + p));
        }
        if (notifications == null) {
            out.add("notifications must be a mapping");
        } else {
            notifications.problems().forEach(p -> out.add("notifications." + p));
        }
        if (compliance == null) {
            out.add("compliance must be a mapping");
        } else {
            compliance.problems().forEach(p -> out.add("compliance." + p));
        }
        return out;
    }
}
