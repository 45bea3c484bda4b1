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
        return toBuilder().stateDir(dir).build();
    }

    public AlerterConfig withApplicationId(String id) {
        return toBuilder().applicationId(id).build();
    }

    public AlerterConfig withHttp(String host, int port, String publicUrl) {
        return toBuilder().httpHost(host).httpPort(port).publicBaseUrl(publicUrl).build();
    }

    public AlerterConfig withApiToken(String token) {
        return toBuilder().apiToken(token).build();
    }

    public AlerterConfig withAdminToken(String token) {
        return toBuilder().adminToken(token).build();
    }

    /** Why the alerter cannot start without an API token, and how to give it one. */
    public static final String TOKEN_REQUIRED = "alerter.api-token is not set: the alerter's API and page show "
            + "people's faces, so they need a token. Set MASKWATCH_ALERTER_API_TOKEN (e.g. to the output of "
            + "'openssl rand -hex 32') or alerter.api-token in the config file; clients send "
            + "'Authorization: Bearer TOKEN', people sign in on the page with it";

    public AlerterConfig withCommitIntervalMs(long ms) {
        return toBuilder().commitIntervalMs(ms).build();
    }

    public AlerterConfig withTracking(TrackingConfig t) {
        return toBuilder().tracking(t).build();
    }

    public AlerterConfig withAlerts(AlertConfig a) {
        return toBuilder().alerts(a).build();
    }

    public AlerterConfig withNotifications(NotificationConfig n) {
        return toBuilder().notifications(n).build();
    }

    public AlerterConfig withCameraNames(Map<String, String> names) {
        return toBuilder().cameraNames(names).build();
    }

    public AlerterConfig withStreamsProperties(Map<String, String> props) {
        return toBuilder().streamsProperties(props).build();
    }

    /** A builder starting from this config's values (the {@code withX} methods use it). */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable builder of an {@link AlerterConfig}; {@link #build} applies the record's normalisation. */
    public static final class Builder {
        private String applicationId;
        private String stateDir;
        private String httpHost;
        private int httpPort;
        private String publicBaseUrl;
        private String apiToken;
        private String adminToken;
        private int streamThreads;
        private long commitIntervalMs;
        private TrackingConfig tracking;
        private AlertConfig alerts;
        private NotificationConfig notifications;
        private ComplianceConfig compliance;
        private Map<String, String> cameraNames;
        private Map<String, String> streamsProperties;

        private Builder(AlerterConfig c) {
            applicationId = c.applicationId;
            stateDir = c.stateDir;
            httpHost = c.httpHost;
            httpPort = c.httpPort;
            publicBaseUrl = c.publicBaseUrl;
            apiToken = c.apiToken;
            adminToken = c.adminToken;
            streamThreads = c.streamThreads;
            commitIntervalMs = c.commitIntervalMs;
            tracking = c.tracking;
            alerts = c.alerts;
            notifications = c.notifications;
            compliance = c.compliance;
            cameraNames = c.cameraNames;
            streamsProperties = c.streamsProperties;
        }

        public Builder applicationId(String v) {
            applicationId = v;
            return this;
        }

        public Builder stateDir(String v) {
            stateDir = v;
            return this;
        }

        public Builder httpHost(String v) {
            httpHost = v;
            return this;
        }

        public Builder httpPort(int v) {
            httpPort = v;
            return this;
        }

        public Builder publicBaseUrl(String v) {
            publicBaseUrl = v;
            return this;
        }

        public Builder apiToken(String v) {
            apiToken = v;
            return this;
        }

        public Builder adminToken(String v) {
            adminToken = v;
            return this;
        }

        public Builder streamThreads(int v) {
            streamThreads = v;
            return this;
        }

        public Builder commitIntervalMs(long v) {
            commitIntervalMs = v;
            return this;
        }

        public Builder tracking(TrackingConfig v) {
            tracking = v;
            return this;
        }

        public Builder alerts(AlertConfig v) {
            alerts = v;
            return this;
        }

        public Builder notifications(NotificationConfig v) {
            notifications = v;
            return this;
        }

        public Builder compliance(ComplianceConfig v) {
            compliance = v;
            return this;
        }

        public Builder cameraNames(Map<String, String> v) {
            cameraNames = v;
            return this;
        }

        public Builder streamsProperties(Map<String, String> v) {
            streamsProperties = v;
            return this;
        }

        public AlerterConfig build() {
            return new AlerterConfig(applicationId, stateDir, httpHost, httpPort, publicBaseUrl, apiToken, adminToken, streamThreads, commitIntervalMs, tracking, alerts, notifications, compliance, cameraNames, streamsProperties);
        }
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
