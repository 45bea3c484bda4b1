package io.maskwatch.alerter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.alerter.notify.SinkConfig;
import io.maskwatch.common.config.ConfigException;
import io.maskwatch.common.config.MaskWatchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlerterConfigTest {
    private static AlerterConfig load(String yaml, Map<String, String> env) {
        return MaskWatchConfig.parse(yaml, env, "test.yaml").section("alerter", AlerterConfig.class, AlerterConfig.defaults());
    }

    @Test
    void defaultsAreValid() {
        AlerterConfig d = load("", Map.of());
        assertEquals(List.of(), d.problems());
        assertEquals(8080, d.httpPort());
        assertEquals("maskwatch-alerter", d.applicationId());
        assertEquals(1, d.notifications().sinks().size());
        assertEquals("log", d.notifications().namedSinks().get(0).name());
    }

    @Test
    void fileAndEnvironmentOverrideDefaults() {
        AlerterConfig c = load("""
                alerter:
                  application-id: mw-alerter-2
                  state-dir: /var/lib/maskwatch/alerter
                  public-base-url: https://alerter.example.com/
                  tracking:
                    min-frames: 3
                    vote-threshold: 0.8
                  alerts:
                    cooldown-ms: 120000
                    incorrect-counts-as: mask
                  notifications:
                    rate-limit-ms: 30000
                    sinks:
                      - type: slack
                        url: https://hooks.example.com/services/T/B/${SLACK_SECRET}
                      - type: webhook
                        url: https://ops.example.com/maskwatch
                        headers:
                          Authorization: Bearer xyz
                        max-retries: 2
                      - type: log
                  camera-names:
                    dock-3: Loading dock 3
                  streams-properties:
                    num.standby.replicas: 1
                """, Map.of("SLACK_SECRET", "s3cr3t", "MASKWATCH_ALERTER_API_TOKEN", "0123456789abcdef0123",
                "MASKWATCH_ALERTER_TRACKING_END_AFTER_MS", "5000"));
        assertEquals("mw-alerter-2", c.applicationId());
        assertEquals("https://alerter.example.com", c.publicBaseUrl(), "trailing slash removed");
        assertEquals(3, c.tracking().minFrames());
        assertEquals(0.8, c.tracking().voteThreshold());
        assertEquals(8, c.tracking().voteWindow(), "untouched keys keep their defaults");
        assertEquals(5000, c.tracking().endAfterMs());
        assertEquals(120_000, c.alerts().cooldownMs());
        assertFalse(c.alerts().incorrectIsNonCompliant(), "a mask below the nose counted as masked");
        assertEquals(0.4, c.alerts().minAlertScore(), "default");
        assertTrue(load("", Map.of()).alerts().incorrectIsNonCompliant(), "by default it is not compliant");
        assertEquals(30_000, c.notifications().rateLimitMs());
        assertEquals(10_000, c.notifications().windowMs());
        assertEquals("0123456789abcdef0123", c.apiToken());
        List<SinkConfig> sinks = c.notifications().namedSinks();
        assertEquals(List.of("slack", "webhook", "log"), sinks.stream().map(SinkConfig::name).toList());
        assertEquals("https://hooks.example.com/services/T/B/s3cr3t", sinks.get(0).url());
        assertEquals(5, sinks.get(0).maxRetries(), "sink defaults fill in");
        assertEquals(2, sinks.get(1).maxRetries());
        assertEquals("Bearer xyz", sinks.get(1).headers().get("Authorization"));
        assertEquals("Loading dock 3", c.cameraNames().get("dock-3"));
        assertEquals("1", c.streamsProperties().get("num.standby.replicas"));
    }

    @Test
    void badValuesAreNamedByKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
                alerter:
                  http-port: 70000
                  api-token: short
                  tracking:
                    min-frames: 20
                    vote-threshold: 0.4
                    end-after-ms: 100
                  compliance:
                    rolling-ms: 90000
                  alerts:
                    incorrect-counts-as: chin
                    min-alert-score: 1.2
                  streams-properties:
                    processing.guarantee: at_least_once
                  notifications:
                    sinks:
                      - type: pager
                      - type: webhook
                        url: ftp://secret-host/x
                """, Map.of()));
        String m = e.getMessage();
        for (String expected : List.of("alerter.http-port must be 0..65535", "alerter.api-token must be at least 16",
                "alerter.tracking.min-frames must be between 1 and vote-window (8), got 20",
                "alerter.tracking.vote-threshold must be in (0.5, 1]", "alerter.tracking.end-after-ms must be >= max-gap-ms",
                "alerter.compliance.rolling-ms must be a positive multiple of window-ms",
                "alerter.alerts.incorrect-counts-as must be no_mask (a mask below the nose is alerted and not compliant) or mask",
                "alerter.alerts.min-alert-score must be in [0, 1)",
                "alerter.notifications.sinks[0].type must be one of [webhook, slack, log, email], got 'pager'",
                "alerter.notifications.sinks[1].url must be an http:// or https:// URL",
                "alerter.streams-properties.processing.guarantee: the alerter always runs exactly_once_v2")) {
            assertTrue(m.contains(expected), () -> "missing '" + expected + "' in:\n" + m);
        }
        assertFalse(m.contains("secret-host"), "sink URLs may hold secrets and are never echoed");
    }

    @Test
    void unknownKeyIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("alerter:\n  tracking:\n    min-frame: 3\n", Map.of()));
        assertTrue(e.getMessage().contains("alerter.tracking.min-frame"), e.getMessage());
    }

    @Test
    void exampleConfigurationLoads() throws Exception {
        Path example = Path.of(System.getProperty("maskwatch.project.dir", ".."), "config", "maskwatch.example.yaml");
        if (!Files.exists(example)) {
            example = Path.of("..", "config", "maskwatch.example.yaml");
        }
        MaskWatchConfig cfg = MaskWatchConfig.load(example, Map.of("ENTRANCE_A_PASSWORD", "pw",
                "SLACK_WEBHOOK_URL", "https://hooks.example.com/services/x", "ALERTER_API_TOKEN", ""));
        AlerterConfig a = cfg.section("alerter", AlerterConfig.class, AlerterConfig.defaults());
        assertEquals(List.of(), a.problems());
        assertNull(a.apiToken(), "an empty token means no token (and an alerter that refuses to start)");
        assertEquals("Entrance A", new CameraNames(cfg.cameras(), a.cameraNames()).name("entrance-a"));
    }

    @Test
    void adminTokenIsCheckedAndMustDifferFromTheReadToken() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
                alerter:
                  api-token: same-token-0123456789
                  admin-token: same-token-0123456789
                """, Map.of()));
        assertTrue(e.getMessage().contains("alerter.admin-token must differ from api-token"), e.getMessage());
        ConfigException shortAdmin = assertThrows(ConfigException.class, () -> load(
                "alerter:\n  api-token: read-token-0123456789\n  admin-token: short\n", Map.of()));
        assertTrue(shortAdmin.getMessage().contains("alerter.admin-token must be at least 16"), shortAdmin.getMessage());
        AlerterConfig ok = load("alerter:\n  api-token: read-token-0123456789\n", Map.of("MASKWATCH_ALERTER_ADMIN_TOKEN",
                "admin-token-0123456789"));
        assertEquals("admin-token-0123456789", ok.adminToken());
    }

    @Test
    void theAlerterRefusesToStartWithoutAToken() {
        io.maskwatch.common.config.KafkaSettings kafka = new io.maskwatch.common.config.KafkaSettings("127.0.0.1:9",
                Map.of(), io.maskwatch.common.config.KafkaSettings.TopicNames.defaults(), 1, (short) 1, false);
        ConfigException e = assertThrows(ConfigException.class, () -> new AlerterService(AlerterConfig.defaults(), kafka,
                List.of(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
        assertTrue(e.getMessage().contains("alerter.api-token is not set"), e.getMessage());
        assertTrue(e.getMessage().contains("MASKWATCH_ALERTER_API_TOKEN"), "says how to set it: " + e.getMessage());
    }

    @Test
    void anEmailSinksDigestIsReadFromYaml() {
        AlerterConfig c = load("""
                alerter:
                  notifications:
                    sinks:
                      - type: email
                        name: custodian
                        email:
                          host: smtp.example.com
                          from: mw@example.com
                          to: [custodian@example.com]
                          digest: daily
                          digest-zone: Europe/Berlin
                          digest-hour: 7
                """, Map.of());
        io.maskwatch.alerter.notify.EmailConfig e = c.notifications().sinks().get(0).email();
        assertEquals("daily", e.digest());
        assertEquals("Europe/Berlin", e.digestZone());
        assertEquals(7, e.digestHour());
        assertEquals(List.of(), c.problems());
    }
}
