package io.maskwatch.embeddedkafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.kafka.KafkaAccessCheck;
import io.maskwatch.common.kafka.KafkaAccessCheck.KafkaAccessException;
import io.maskwatch.common.kafka.KafkaAcls;
import io.maskwatch.common.kafka.TopicSetup;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** The embedded broker with a SASL_SSL listener, SCRAM users and ACLs; and the services' start-up check. */
class SaslSslBrokerIT {
    private static final Map<String, String> USERS = Map.of("admin", "adminpw1", KafkaAcls.user("ingest"), "ingestpw1",
            KafkaAcls.user("alerter"), "alerterpw1");

    private static KafkaSettings as(EmbeddedKafkaBroker broker, String user, String password) {
        return new KafkaSettings(broker.bootstrapServers(), broker.saslClientProperties(user, password),
                KafkaSettings.TopicNames.defaults(), 2, (short) 1, false);
    }

    @Test
    void usersSignInOverTlsAndTouchOnlyWhatTheirAclsAllow() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startSaslSsl(new EmbeddedKafkaBroker.SaslUsers(USERS, "admin"))) {
            assertTrue(Files.readString(broker.truststore()).startsWith("-----BEGIN CERTIFICATE-----"));
            KafkaSettings admin = as(broker, "admin", "adminpw1");
            TopicSetup.ensureTopics(admin); // the super user may create topics
            KafkaSettings ingest = as(broker, KafkaAcls.user("ingest"), "ingestpw1");
            String frames = admin.topics().frames();

            // no ACL yet: nothing is allowed, and the start-up check says what to add
            KafkaAccessException denied = assertThrows(KafkaAccessException.class, () -> KafkaAccessCheck.verify(ingest,
                    "ingest", KafkaAcls.of(KafkaAcls.defaults(), "ingest")));
            assertInstanceOf(TopicAuthorizationException.class, denied.getCause());
            assertTrue(denied.getMessage().contains("ingest (Kafka User:maskwatch-ingest) is not allowed to Describe/Write topic 'maskwatch.frames'"),
                    denied.getMessage());
            assertTrue(denied.getMessage().contains("ALLOW User:maskwatch-ingest Write on topic maskwatch.frames"),
                    denied.getMessage());
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(ClientConfigs.producer(ingest, "it"))) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> p.send(new ProducerRecord<>(frames, "cam-1", new byte[] {1})).get());
                assertInstanceOf(TopicAuthorizationException.class, e.getCause());
            }

            try (Admin a = Admin.create(admin.clientConfig())) {
                a.createAcls(KafkaAcls.bindings(KafkaAcls.defaults(), "ingest", KafkaAcls.user("ingest"))).all().get();
            }
            // ACLs reach the authorizer through the metadata log: wait until the check passes
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (true) {
                try {
                    KafkaAccessCheck.verify(ingest, "ingest", KafkaAcls.of(KafkaAcls.defaults(), "ingest"));
                    break;
                } catch (KafkaAccessException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(ClientConfigs.producer(ingest, "it"))) {
                p.send(new ProducerRecord<>(frames, "cam-1", new byte[] {1})).get();
                ExecutionException e = assertThrows(ExecutionException.class, () -> p.send(
                        new ProducerRecord<>(admin.topics().detections(), "cam-1", new byte[] {1})).get());
                assertInstanceOf(TopicAuthorizationException.class, e.getCause(), "ingest may write frames only");
            }

            KafkaSettings wrong = as(broker, KafkaAcls.user("ingest"), "notthepassword");
            KafkaAccessException bad = assertThrows(KafkaAccessException.class, () -> KafkaAccessCheck.verify(wrong,
                    "ingest", KafkaAcls.of(KafkaAcls.defaults(), "ingest")));
            assertTrue(bad.getMessage().startsWith("ingest cannot sign in to Kafka at " + broker.bootstrapServers()
                    + " as user 'maskwatch-ingest' (SCRAM-SHA-512): authentication failed; check the password"), bad.getMessage());
            assertFalse(bad.getMessage().contains("notthepassword"), "the password is never printed");

            // prefix rules are probed too: the alerter without its transactional-id ACL is told so
            KafkaSettings alerter = as(broker, KafkaAcls.user("alerter"), "alerterpw1");
            List<KafkaAcls.Grant> rows = KafkaAcls.of(KafkaAcls.defaults(), "alerter");
            try (Admin a = Admin.create(admin.clientConfig())) {
                a.createAcls(KafkaAcls.bindings(rows.stream().filter(g -> g.type() != ResourceType.TRANSACTIONAL_ID)
                        .toList(), "alerter", KafkaAcls.user("alerter"))).all().get();
            }
            KafkaAccessException tx = null;
            deadline = System.nanoTime() + 30_000_000_000L;
            while (tx == null || !tx.getMessage().contains("transactionalId")) {
                assertTrue(System.nanoTime() < deadline, "the ACLs never reached the authorizer: " + tx);
                Thread.sleep(200);
                tx = assertThrows(KafkaAccessException.class, () -> KafkaAccessCheck.verify(alerter, "alerter", rows));
            }
            assertInstanceOf(TransactionalIdAuthorizationException.class, tx.getCause());
            assertTrue(tx.getMessage().startsWith("alerter (Kafka User:maskwatch-alerter) is not allowed to Describe/Write "
                    + "transactionalId 'maskwatch-alerter-'"), tx.getMessage());
        }
    }

    @Test
    void plaintextBrokersAreNotChecked() {
        KafkaSettings plain = KafkaSettings.defaults().withBootstrapServers("127.0.0.1:1");
        assertFalse(KafkaAccessCheck.secured(plain));
        KafkaAccessCheck.verify(plain, "ingest", KafkaAcls.of(KafkaAcls.defaults(), "ingest")); // returns at once
        assertEquals("u-1", KafkaAccessCheck.username(Map.of("sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u-1\" password=\"x\";")));
    }
}
