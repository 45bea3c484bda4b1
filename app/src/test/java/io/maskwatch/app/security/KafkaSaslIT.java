package io.maskwatch.app.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.alerter.AlerterConfig;
import io.maskwatch.alerter.AlerterService;
import io.maskwatch.app.DemoCommand;
import io.maskwatch.app.demo.DemoEndToEndIT;
import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.config.MaskWatchConfig;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.io.Directories;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.kafka.KafkaAccessCheck.KafkaAccessException;
import io.maskwatch.common.kafka.KafkaAcls;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.common.serde.EventSerdes;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.service.DetectorService;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import io.maskwatch.ingest.IngestService;
import io.maskwatch.ingest.IngestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import java.util.Set;
import java.util.function.Predicate;
import io.maskwatch.common.contract.Topics;

/**
 * Issue 14 item 3: the three services on a SASL_SSL broker (SCRAM-SHA-512, a certificate made for
 * the run, StandardAuthorizer), each signing in as its own user through {@code kafka.client-properties}
 * in its config file, the JAAS line from an environment variable, holding exactly the ACLs of
 * {@link KafkaAcls}: a frame of a real clip becomes a detection and an alert. A wrong password and a
 * missing ACL stop a service at start-up with a message that says which and what to do.
 */
class KafkaSaslIT {
    private static final List<String> SERVICES = KafkaAcls.SERVICES;

    private static String password() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The service's config file as an operator writes it: credentials only through ${KAFKA_SASL_JAAS_CONFIG}. */
    private static String yaml(EmbeddedKafkaBroker broker) {
        return """
                kafka:
                  bootstrap-servers: %s
                  create-topics: false
                  partitions: 2
                  client-properties:
                    security.protocol: SASL_SSL
                    sasl.mechanism: SCRAM-SHA-512
                    sasl.jaas.config: ${KAFKA_SASL_JAAS_CONFIG}
                    ssl.truststore.type: PEM
                    ssl.truststore.location: %s
                """.formatted(broker.bootstrapServers(), broker.truststore());
    }

    private static MaskWatchConfig config(EmbeddedKafkaBroker broker, String service, String password,
                                          Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + KafkaAcls.user(service) + "\" password=\"" + password + "\";");
        return MaskWatchConfig.parse(yaml(broker), env, service + ".yaml");
    }

    private static void grant(Admin admin, List<AclBinding> acls) throws Exception {
        admin.createAcls(acls).all().get();
    }

    /** A SASL_SSL broker with the MaskWatch topics and every ACL of the table except {@code withheld}. */
    private record Cluster(EmbeddedKafkaBroker broker, Map<String, String> passwords, KafkaSettings admin,
                           Admin adminClient) implements AutoCloseable {
        static Cluster start(Predicate<AclBinding> withheld) throws Exception {
            Map<String, String> passwords = new LinkedHashMap<>();
            passwords.put("admin", KafkaSaslIT.password());
            SERVICES.forEach(s -> passwords.put(KafkaAcls.user(s), KafkaSaslIT.password()));
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startSaslSsl(new EmbeddedKafkaBroker.SaslUsers(passwords, "admin"));
            try {
                KafkaSettings admin = new KafkaSettings(broker.bootstrapServers(),
                        broker.saslClientProperties("admin", passwords.get("admin")), KafkaSettings.TopicNames.defaults(),
                        2, (short) 1, true);
                TopicSetup.ensureTopics(admin);
                Admin client = Admin.create(admin.clientConfig());
                client.createTopics(List.of(new NewTopic(KafkaAcls.ALERTER_DLQ, 2, (short) 1))).all().get();
                for (String s : SERVICES) {
                    grant(client, KafkaAcls.bindings(KafkaAcls.defaults(), s, KafkaAcls.user(s)).stream()
                            .filter(withheld.negate()).toList());
                }
                return new Cluster(broker, passwords, admin, client);
            } catch (Exception | Error e) {
                broker.close();
                throw e;
            }
        }

        String password(String service) {
            return passwords.get(KafkaAcls.user(service));
        }

        @Override
        public void close() {
            adminClient.close();
            broker.close();
        }
    }

    private static Predicate<AclBinding> write(String service, String topic) {
        return b -> b.entry().principal().equals("User:" + KafkaAcls.user(service))
                && b.pattern().resourceType() == ResourceType.TOPIC && b.pattern().name().equals(topic)
                && b.entry().operation() == AclOperation.WRITE;
    }

    @Test
    void aWrongPasswordOrAMissingAclStopsTheServiceAtStartUpSayingWhatToFix() throws Exception {
        Path stateDir = Files.createTempDirectory("kafka-sasl-it-");
        try (Cluster c = Cluster.start(write(KafkaAcls.INGEST, Topics.FRAMES))) {
            EmbeddedKafkaBroker broker = c.broker();
            // a wrong password: the alerter names itself, its user and the fix, and never the password
            AlerterConfig alerterConfig = AlerterConfig.defaults().toBuilder().stateDir(stateDir.toString()).build()
                    .withApiToken("kafka-sasl-it-token-0123456789");
            MaskWatchConfig wrong = config(broker, KafkaAcls.ALERTER, "wrongpassword123", Map.of());
            try (AlerterService a = new AlerterService(alerterConfig, wrong.kafka(), List.of(),
                    Metrics.newRegistry("alerter"))) {
                KafkaAccessException e = assertThrows(KafkaAccessException.class, a::start);
                assertEquals("alerter cannot sign in to Kafka at " + broker.bootstrapServers() + " as user "
                        + "'maskwatch-alerter' (SCRAM-SHA-512): authentication failed; check the password in "
                        + "kafka.client-properties.sasl.jaas.config (and that the user exists on the cluster)", e.getMessage());
            }
            // the same through `maskwatch alerter --config FILE`: it refuses to run instead of retrying
            Path file = stateDir.resolve("alerter.yaml");
            Files.writeString(file, yaml(broker).replace("${KAFKA_SASL_JAAS_CONFIG}", "'"
                    + "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"maskwatch-alerter\" "
                    + "password=\"wrongpassword123\";'") + """
                    alerter:
                      http-port: 0
                      state-dir: %s
                      api-token: kafka-sasl-it-token-0123456789
                    """.formatted(stateDir.resolve("cli-state")));
            KafkaAccessException cli = assertThrows(KafkaAccessException.class,
                    () -> new io.maskwatch.alerter.AlerterCommand().run(List.of("--config", file.toString())));
            assertTrue(cli.getMessage().startsWith("alerter cannot sign in to Kafka"), cli.getMessage());
            assertFalse(cli.getMessage().contains("wrongpassword123"), cli.getMessage());

            // a missing ACL: ingest stops at start-up naming the topic and the ACL to add
            Path clip = Files.createFile(stateDir.resolve("never-opened.mp4"));
            MaskWatchConfig ingestCfg = config(broker, KafkaAcls.INGEST, c.password(KafkaAcls.INGEST), Map.of());
            try (IngestService ingest = new IngestService(ingestCfg.section("ingest", IngestSettings.class,
                    IngestSettings.defaults()), List.of(DemoCommand.camera(clip.toString(), 2, false, new HashSet<>())),
                    ingestCfg.kafka(), Metrics.newRegistry("ingest"))) {
                KafkaAccessException e = assertThrows(KafkaAccessException.class, ingest::start);
                assertInstanceOf(TopicAuthorizationException.class, e.getCause());
                assertEquals(Set.of(Topics.FRAMES), ((TopicAuthorizationException) e.getCause()).unauthorizedTopics());
                assertTrue(e.getMessage().startsWith("ingest (Kafka User:maskwatch-ingest) is not allowed to Write topic "
                        + "'maskwatch.frames' (camera frames in); add the ACL ALLOW User:maskwatch-ingest Write on topic "
                        + "maskwatch.frames"), e.getMessage());
            }

            // least privilege holds: the alerter's user cannot read the frames the detector dead-lettered
            KafkaSettings alerterKafka = config(broker, KafkaAcls.ALERTER, c.password(KafkaAcls.ALERTER), Map.of()).kafka();
            var cp = ClientConfigs.consumer(alerterKafka, KafkaAcls.ALERTER_APPLICATION_ID + "-probe", "probe");
            cp.remove("group.id");
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cp)) {
                assertThrows(TopicAuthorizationException.class, () -> consumer.partitionsFor(alerterKafka.topics().framesDlq()));
            }
        } finally {
            Directories.deleteRecursively(stateDir);
        }
    }

    @Test
    void eachServiceSignsInAsItsOwnUserAndAFrameBecomesAnAlert() throws Exception {
        Path clip = DemoEndToEndIT.video("one-man-no-mask.mp4");
        Path stateDir = Files.createTempDirectory("kafka-sasl-it-");
        List<AutoCloseable> toClose = new ArrayList<>();
        // closed last (toClose runs backwards): services stop while they can still reach it
        Cluster c = Cluster.start(write(KafkaAcls.DETECTOR, Topics.DETECTIONS));
        toClose.add(c);
        try {
            EmbeddedKafkaBroker broker = c.broker();
            KafkaSettings adminKafka = c.admin();
            Map<String, String> detectorEnv = Map.of(
                    "MASKWATCH_DETECTOR_MODELS_DIR", Path.of(System.getProperty("maskwatch.project.dir", ".."))
                            .resolve("models/mask-classifier").toString(),
                    "MASKWATCH_DETECTOR_BACKEND", "retinaface",
                    "MASKWATCH_DETECTOR_RETINAFACE_MODEL", Path.of(System.getProperty("maskwatch.shared.dir",
                            "../shared"), "models", "retinaface-mobilenet0.25.onnx").toAbsolutePath().toString());
            MaskWatchConfig detectorCfg = config(broker, KafkaAcls.DETECTOR, c.password(KafkaAcls.DETECTOR), detectorEnv);
            DetectorConfig detectorConfig = detectorCfg.section("detector", DetectorConfig.class, DetectorConfig.defaults());

            // a missing ACL: the detector stops at start-up (before loading its models) naming the topic and the ACL
            try (DetectorService d = new DetectorService(detectorConfig, detectorCfg.kafka(), Metrics.newRegistry("detector"))) {
                KafkaAccessException e = assertThrows(KafkaAccessException.class, d::start);
                assertInstanceOf(TopicAuthorizationException.class, e.getCause());
                assertTrue(e.getMessage().startsWith("detector (Kafka User:maskwatch-detector) is not allowed to Write"
                        + " topic 'maskwatch.detections'"), e.getMessage());
                assertTrue(e.getMessage().contains("add the ACL ALLOW User:maskwatch-detector Write on topic "
                        + "maskwatch.detections"), e.getMessage());
            }
            grant(c.adminClient(), KafkaAcls.bindings(KafkaAcls.defaults(), KafkaAcls.DETECTOR, KafkaAcls.user("detector"))
                    .stream().filter(write(KafkaAcls.DETECTOR, Topics.DETECTIONS)).toList());

            // the real thing: ingest -> detector -> alerter, each as itself
            AlerterConfig alerterConfig = AlerterConfig.defaults().toBuilder().stateDir(stateDir.toString()).build()
                    .withApiToken("kafka-sasl-it-token-0123456789");
            KafkaSettings alerterKafka = config(broker, KafkaAcls.ALERTER, c.password(KafkaAcls.ALERTER), Map.of()).kafka();
            AlerterService alerter = new AlerterService(alerterConfig, alerterKafka, List.of(), Metrics.newRegistry("alerter"));
            toClose.add(alerter);
            alerter.start();
            DetectorService detector = new DetectorService(detectorConfig, detectorCfg.kafka(), Metrics.newRegistry("detector"));
            toClose.add(detector);
            detector.start();
            CameraConfig camera = DemoCommand.camera(clip.toString(), 2, false, new HashSet<>());
            MaskWatchConfig ingestCfg = config(broker, KafkaAcls.INGEST, c.password(KafkaAcls.INGEST), Map.of());
            IngestService ingest = new IngestService(ingestCfg.section("ingest", IngestSettings.class,
                    IngestSettings.defaults()), List.of(camera), ingestCfg.kafka(), Metrics.newRegistry("ingest"));
            toClose.add(ingest);
            ingest.start();
            List<Alert> alerts = new ArrayList<>();
            boolean detection = false;
            var rp = ClientConfigs.consumer(adminKafka, "kafka-sasl-it-reader", "reader");
            try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(rp)) {
                reader.subscribe(List.of(adminKafka.topics().detections(), adminKafka.topics().alerts()));
                long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
                while (alerts.isEmpty() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(500))) {
                        if (r.topic().equals(adminKafka.topics().detections())) {
                            detection = true;
                        } else {
                            alerts.add(EventSerdes.alerts().deserialize(r.topic(), r.value()));
                        }
                    }
                }
            }
            assertTrue(detection, "no detection arrived: the detector could not read frames or write detections");
            assertFalse(alerts.isEmpty(), "no alert within 240 s (ingest " + ingest.cameraStatuses() + ")");
            assertEquals(camera.id(), alerts.get(0).cameraId());
        } finally {
            for (int i = toClose.size() - 1; i >= 0; i--) {
                try {
                    toClose.get(i).close();
                } catch (Exception e) {
                    System.err.println("close: " + e);
                }
            }
            Directories.deleteRecursively(stateDir);
        }
    }
}
