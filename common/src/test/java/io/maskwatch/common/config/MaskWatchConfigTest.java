package io.maskwatch.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaskWatchConfigTest {
    /** A service section, as a module would declare it. */
    public record DemoSection(int threads, double minScore, String heatmaps, Nested notifications) implements ConfigSection {
        public record Nested(int rateLimitSeconds, List<String> sinks) {
        }

        static DemoSection defaults() {
            return new DemoSection(1, 0.5, "no_mask", new Nested(60, List.of("log")));
        }

        @Override
        public List<String> problems() {
            return threads < 1 ? List.of("threads must be >= 1, got " + threads) : List.of();
        }
    }

    private static final String YAML = """
            kafka:
              bootstrap-servers: kafka:9092
              client-properties:
                security.protocol: SSL
            cameras:
              - id: entrance-a
                name: Entrance A
                url: rtsp://admin:${CAM_PASS}@10.0.0.5/live
                fps: 2
              - id: lobby
                url: /videos/lobby.mp4
                loop: true
            detector:
              threads: 2
            """;

    @Test
    void fileOverDefaultsAndEnvOverFile() {
        var cfg = MaskWatchConfig.parse(YAML, Map.of(
                "CAM_PASS", "pw",
                "MASKWATCH_DETECTOR_MIN_SCORE", "0.7",
                "MASKWATCH_DETECTOR_NOTIFICATIONS_RATE_LIMIT_SECONDS", "30",
                "MASKWATCH_KAFKA_BOOTSTRAP_SERVERS", "broker-1:9093",
                "MASKWATCH_KAFKA_CLIENT_PROPERTIES_SASL_MECHANISM", "PLAIN",
                "MASKWATCH_KAFKA_CLIENT_PROPERTIES_SSL_KEY_PASSWORD", "0123",
                "MASKWATCH_JAVA_OPTS", "-Xmx1g",
                "MASKWATCH_CAMERAS_1_FPS", "5",
                "MASKWATCH_CAMERAS_2_ID", "dock",
                "MASKWATCH_CAMERAS_2_URL", "http://cam/mjpg"), "test.yaml");
        DemoSection d = cfg.section("detector", DemoSection.class, DemoSection.defaults());
        assertEquals(2, d.threads());
        assertEquals(0.7, d.minScore());
        assertEquals("no_mask", d.heatmaps());
        assertEquals(30, d.notifications().rateLimitSeconds());
        KafkaSettings k = cfg.kafka();
        assertEquals("broker-1:9093", k.bootstrapServers());
        assertEquals("SSL", k.clientProperties().get("security.protocol"));
        assertEquals("PLAIN", k.clientProperties().get("sasl.mechanism"));
        assertEquals("0123", k.clientProperties().get("ssl.key.password"));
        List<CameraConfig> cams = cfg.cameras();
        assertEquals(3, cams.size());
        assertEquals("rtsp://admin:pw@10.0.0.5/live", cams.get(0).url());
        assertEquals(5.0, cams.get(1).fps());
        assertEquals(85, cams.get(1).jpegQuality());
        assertEquals("dock", cams.get(2).id());
        assertFalse(cams.get(0).toString().contains("pw"));
    }

    @Test
    void unknownKeyIsNamedWithKnownKeys() {
        var cfg = MaskWatchConfig.parse("detector:\n  thredas: 2\n", Map.of(), "x.yaml");
        ConfigException e = assertThrows(ConfigException.class,
                () -> cfg.section("detector", DemoSection.class, DemoSection.defaults()));
        assertTrue(e.getMessage().contains("detector.thredas"), e.getMessage());
        assertTrue(e.getMessage().contains("threads"), e.getMessage());
    }

    @Test
    void wrongTypeAndFailedValidationAreNamed() {
        var cfg = MaskWatchConfig.parse("detector:\n  threads: many\n", Map.of(), "x.yaml");
        ConfigException e = assertThrows(ConfigException.class,
                () -> cfg.section("detector", DemoSection.class, DemoSection.defaults()));
        assertTrue(e.getMessage().contains("detector.threads") && e.getMessage().contains("whole number"), e.getMessage());
        var cfg2 = MaskWatchConfig.parse("detector:\n  threads: 0\n", Map.of(), "x.yaml");
        ConfigException e2 = assertThrows(ConfigException.class,
                () -> cfg2.section("detector", DemoSection.class, DemoSection.defaults()));
        assertTrue(e2.getMessage().contains("detector.threads must be >= 1, got 0"), e2.getMessage());
    }

    @Test
    void cameraProblemsNameTheCameraButNotThePassword() {
        var cfg = MaskWatchConfig.parse("""
                cameras:
                  - id: a
                    url: rtsp://u:topsecret@h/x
                    fps: 0
                  - id: a
                    url: /v.mp4
                  - id: "bad id!"
                """, Map.of(), "x.yaml");
        ConfigException e = assertThrows(ConfigException.class, cfg::cameras);
        String m = e.getMessage();
        assertTrue(m.contains("cameras[0].fps must be > 0"), m);
        assertTrue(m.contains("cameras[1].id 'a' is used by another camera"), m);
        assertTrue(m.contains("cameras[2].id must be"), m);
        assertTrue(m.contains("cameras[2].url is required"), m);
        assertFalse(m.contains("topsecret"), m);
    }

    @Test
    void badYamlUnknownSectionMissingEnvAndBadKafka() {
        assertTrue(assertThrows(ConfigException.class, () -> MaskWatchConfig.parse("kafka: [", Map.of(), "y.yaml"))
                .getMessage().contains("not valid YAML"));
        assertTrue(assertThrows(ConfigException.class, () -> MaskWatchConfig.parse("kafak: {}", Map.of(), "y.yaml"))
                .getMessage().contains("unknown top-level key 'kafak'"));
        assertTrue(assertThrows(ConfigException.class, () -> MaskWatchConfig.parse("", Map.of("MASKWATCH_FOO_BAR", "1"), "y"))
                .getMessage().contains("MASKWATCH_FOO_BAR"));
        var cfg = MaskWatchConfig.parse("cameras:\n  - id: a\n    url: rtsp://u:${NOPE}@h\n", Map.of(), "y");
        assertTrue(assertThrows(ConfigException.class, cfg::cameras).getMessage().contains("NOPE"));
        var k = MaskWatchConfig.parse("kafka:\n  bootstrap-servers: kafka\n  partitions: 0\n", Map.of(), "y");
        String m = assertThrows(ConfigException.class, k::kafka).getMessage();
        assertTrue(m.contains("kafka.bootstrap-servers entry 'kafka' is not host:port"), m);
        assertTrue(m.contains("kafka.partitions must be >= 1"), m);
    }

    /** The alerter reads the camera list for names only, so its pods need no camera passwords. */
    @Test
    void camerasForNamesNeedNoUrlSecretsButTheFullListDoes() {
        String yaml = """
                cameras:
                  - id: gate
                    name: Gate ${SITE:-North}
                    url: rtsp://viewer:${GATE_PASSWORD}@10.0.0.5:554/s1
                """;
        MaskWatchConfig c = MaskWatchConfig.parse(yaml, Map.of(), "t");
        ConfigException e = assertThrows(ConfigException.class, c::cameras);
        assertTrue(e.getMessage().contains("cameras[0].url refers to environment variable GATE_PASSWORD, which is not set"),
                e.getMessage());
        List<CameraConfig> names = c.camerasWithoutUrlSecrets();
        assertEquals("gate", names.get(0).id());
        assertEquals("Gate North", names.get(0).name(), "other references still resolve");
        // ... and an unset variable outside a URL is still an error.
        MaskWatchConfig badName = MaskWatchConfig.parse(yaml.replace("${SITE:-North}", "${SITE}"), Map.of(), "t");
        assertThrows(ConfigException.class, badName::camerasWithoutUrlSecrets);
    }

    @Test
    void missingFileIsExplained() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MaskWatchConfig.load(java.nio.file.Path.of("/nonexistent/mw.yaml"), Map.of()));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void cameraUrlSchemesAreAllowListedAndRefusalsNameTheCameraNotItsSecrets() {
        var cfg = MaskWatchConfig.parse("""
                cameras:
                  - id: gate
                    url: rtsps://u:topsecret@h/x
                  - id: dock
                    url: https://h/mjpeg?token=abc
                  - id: lab
                    url: file:///srv/clips/a.mp4
                  - id: desk
                    url: /dev/video0
                  - id: clip
                    url: clips/a.mp4
                  - id: relay
                    url: udp://u:topsecret@239.0.0.1:1234
                  - id: pipe
                    url: "pipe:0"
                  - id: disk
                    url: /dev/sda
                  - id: ftp-cam
                    url: FTP://u:topsecret@h/a.mp4
                """, Map.of(), "x.yaml");
        ConfigException e = assertThrows(ConfigException.class, cfg::cameras);
        String m = e.getMessage();
        assertEquals(4, e.problems().size(), m);
        assertTrue(m.contains("cameras[5].url of camera 'relay': scheme 'udp' is not allowed; use rtsp://, rtsps://, "
                + "http://, https://, file://, a file path or /dev/videoN"), m);
        assertTrue(m.contains("cameras[6].url of camera 'pipe': scheme 'pipe' is not allowed"), m);
        assertTrue(m.contains("cameras[7].url of camera 'disk': of the devices only V4L2 webcams /dev/videoN"), m);
        assertTrue(m.contains("cameras[8].url of camera 'ftp-cam': scheme 'ftp' is not allowed"), m);
        assertFalse(m.contains("topsecret") || m.contains("239.0.0.1"), "never the URL itself: " + m);
    }

    @Test
    void cameraIdsAreLimitedToSafeCharactersAnd64Long() {
        assertTrue(io.maskwatch.common.camera.CameraIds.isValid("entrance-a.cam_2"));
        assertTrue(io.maskwatch.common.camera.CameraIds.isValid("x".repeat(64)));
        for (String bad : List.of("", "x".repeat(65), "a b", "a/b", "caf\u00e9", "a\nb", "a{b}", "a\"b")) {
            assertFalse(io.maskwatch.common.camera.CameraIds.isValid(bad), bad);
        }
        String p = io.maskwatch.common.camera.CameraIds.problem("evil\nINFO forged log line");
        assertFalse(p.contains("\n"), "control characters are escaped: " + p);
        assertTrue(p.contains("evil\\u000aINFO"), p);
        assertTrue(io.maskwatch.common.camera.CameraIds.problem("y".repeat(500)).contains("(500 characters)"));
    }

    @Test
    void retentionHoursOverrideOneTopicAndKeepTheOtherDefaults() {
        var cfg = MaskWatchConfig.parse("kafka:\n  retention-hours:\n    frames: 6\n",
                Map.of("MASKWATCH_KAFKA_RETENTION_HOURS_ALERTS", "48"), "x.yaml");
        KafkaSettings k = cfg.kafka();
        assertEquals(6 * 3_600_000L, k.retentionMs(k.topics().frames()));
        assertEquals(48 * 3_600_000L, k.retentionMs(k.topics().alerts()));
        assertEquals(KafkaSettings.RetentionHours.defaults().detections() * 3_600_000L,
                k.retentionMs(k.topics().detections()));
        assertEquals(KafkaSettings.RetentionHours.defaults(), KafkaSettings.defaults().retentionHours());
    }

    @Test
    void retentionMustBePositiveAndNamesTheKey() {
        var cfg = MaskWatchConfig.parse("kafka:\n  retention-hours:\n    frames-dlq: 0\n", Map.of(), "x.yaml");
        ConfigException e = assertThrows(ConfigException.class, cfg::kafka);
        assertTrue(e.getMessage().contains("kafka.retention-hours.frames-dlq must be >= 1"), e.getMessage());
        var typo = MaskWatchConfig.parse("kafka:\n  retention-hours:\n    frame: 2\n", Map.of(), "x.yaml");
        ConfigException e2 = assertThrows(ConfigException.class, typo::kafka);
        assertTrue(e2.getMessage().contains("retention-hours.frame"), e2.getMessage());
    }

    @Test
    void saslNeedsAMechanismAndCredentialsAndTheProtocolMustExist() {
        ConfigException e = assertThrows(ConfigException.class, () -> MaskWatchConfig.parse("""
                kafka:
                  client-properties:
                    security.protocol: SASL_SSL
                """, Map.of(), "t.yaml").kafka());
        assertTrue(e.getMessage().contains("kafka.client-properties.sasl.mechanism must be set with security.protocol SASL_SSL"),
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> MaskWatchConfig.parse("""
                kafka:
                  client-properties:
                    security.protocol: SASL_SSL
                    sasl.mechanism: SCRAM-SHA-512
                """, Map.of(), "t.yaml").kafka());
        assertTrue(e.getMessage().contains("kafka.client-properties.sasl.jaas.config must be set with sasl.mechanism SCRAM-SHA-512"),
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> MaskWatchConfig.parse("""
                kafka:
                  client-properties:
                    security.protocol: SASL_TLS
                """, Map.of(), "t.yaml").kafka());
        assertTrue(e.getMessage().contains("security.protocol must be one of [PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL], got 'SASL_TLS'"),
                e.getMessage());
        KafkaSettings ok = MaskWatchConfig.parse("""
                kafka:
                  client-properties:
                    security.protocol: SASL_SSL
                    sasl.mechanism: SCRAM-SHA-512
                    sasl.jaas.config: ${JAAS}
                """, Map.of("JAAS", "x required;"), "t.yaml").kafka();
        assertEquals("x required;", ok.clientProperties().get("sasl.jaas.config"));
    }
}
