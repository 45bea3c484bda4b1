package io.maskwatch.alerter.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.ComplianceWindow;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.contract.SchemaVersions;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.common.serde.EventSerdes;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The hourly compliance digest on a real broker and a real SMTP server (GreenMail): the numbers come
 * from the compliance and alerts topics (a corrected window counts once, its latest record; windows
 * and alerts of the hour before are left out), and two replicas send it once.
 */
class ComplianceDigestIT {
    /** 10:00 UTC on some day: the digest covers 10:00-11:00, due at 11:00 + grace. */
    private static final long HOUR = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();

    @Test
    void anHourlyDigestArrivesOnceWithEachCamerasComplianceAndAlerts() throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        mail.start();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), KafkaSettings.TopicNames.defaults(),
                    2, (short) 1, true);
            TopicSetup.ensureTopics(kafka);
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(ClientConfigs.producer(kafka, "digest-it"))) {
                // gate: a window corrected once (the second record counts), a second window; one window the hour before.
                window(p, kafka, "gate", HOUR + 60_000, 6, 4, 1, 1, 0);
                window(p, kafka, "gate", HOUR + 60_000, 8, 6, 1, 1, 0);
                window(p, kafka, "gate", HOUR + 1_800_000, 3, 2, 0, 0, 1);
                window(p, kafka, "gate", HOUR - 120_000, 50, 0, 50, 0, 0);
                window(p, kafka, "hall", HOUR + 600_000, 2, 1, 1, 0, 0);
                window(p, kafka, ComplianceWindow.FACILITY, HOUR + 60_000, 99, 99, 0, 0, 0);
                alert(p, kafka, "gate", HOUR + 70_000, PersonStatus.UNMASKED);
                alert(p, kafka, "gate", HOUR + 1_810_000, PersonStatus.INCORRECT);
                alert(p, kafka, "hall", HOUR + 610_000, PersonStatus.UNMASKED);
                alert(p, kafka, "hall", HOUR - 60_000, PersonStatus.UNMASKED);
                p.flush();
            }
            EmailConfig smtp = new EmailConfig("localhost", mail.getSmtp().getPort(), "none", null, null, null,
                    "maskwatch@example.test", List.of("custodian@example.test"), 10).withDigest("hourly", "UTC", null);
            SinkConfig cfg = EmailSinkTest.sink("custodian", smtp);
            Clock due = Clock.fixed(Instant.ofEpochMilli(HOUR + 3_600_000 + DigestScheduler.GRACE_MS + 1_000), ZoneOffset.UTC);
            List<Sink> sinks = List.of(EmailSinkTest.emailSink(cfg, Map.of(), Map.of(), null));
            Map<String, String> names = Map.of("gate", "Main gate");
            try (DigestScheduler a = new DigestScheduler(kafka, "digest-it", sinks, id -> names.getOrDefault(id, id), due);
                 DigestScheduler b = new DigestScheduler(kafka, "digest-it", sinks, id -> names.getOrDefault(id, id), due)) {
                a.start();
                b.start();
                await("a digest", () -> mail.getReceivedMessages().length >= 1);
                // Both replicas keep checking; the one that does not own partition 0, and the owner after it sent, send nothing.
                int ca = a.checks();
                int cb = b.checks();
                await("both replicas to check a few more times", () -> a.checks() >= ca + 3 && b.checks() >= cb + 3);
                assertEquals(1, mail.getReceivedMessages().length, "one digest per period across replicas");
                assertEquals(1, a.sent() + b.sent());
            }
            MimeMessage m = mail.getReceivedMessages()[0];
            String body = GreenMailUtil.getBody(m);
            assertTrue(m.getSubject().contains("hourly compliance 75.0%"), m.getSubject()); // masked 9 of 12 decided
            assertTrue(m.getSubject().contains("3 alerts"), m.getSubject());
            assertTrue(m.getSubject().contains("2026-03-02 10:00 to 2026-03-02 11:00 UTC"), m.getSubject());
            assertTrue(body.contains("Main gate (gate): compliance 80.0%, 11 persons (8 masked, 1 no mask, 1 mask below nose, 1 uncertain), 2 alerts (1 no mask, 1 mask below nose)"), body);
            assertTrue(body.contains("hall (hall): compliance 50.0%, 2 persons (1 masked, 1 no mask, 0 mask below nose, 0 uncertain), 1 alerts (1 no mask, 0 mask below nose)"), body);
        } finally {
            mail.stop();
        }
    }

    private static void window(KafkaProducer<String, byte[]> p, KafkaSettings kafka, String cam, long start, long persons,
                               long masked, long unmasked, long incorrect, long uncertain) {
        ComplianceWindow w = new ComplianceWindow(SchemaVersions.COMPLIANCE, cam, start, start + 60_000, persons, masked,
                unmasked, incorrect, uncertain, ComplianceWindow.ratio(masked, unmasked, incorrect));
        p.send(new ProducerRecord<>(kafka.topics().compliance(), null, start + 30_000, cam + "@" + start,
                EventSerdes.compliance().serialize(kafka.topics().compliance(), w)));
    }

    private static void alert(KafkaProducer<String, byte[]> p, KafkaSettings kafka, String cam, long ts, PersonStatus s) {
        Alert a = new Alert(SchemaVersions.ALERT, cam + "-" + ts + "-0-1", cam, cam + "-" + ts + "-0", ts, s, 0.9, 6,
                new Box(10, 10, 50, 50), null, null);
        p.send(new ProducerRecord<>(kafka.topics().alerts(), null, ts, cam, EventSerdes.alerts().serialize(kafka.topics().alerts(), a)));
    }

    private static void await(String what, Callable<Boolean> cond) throws Exception {
        long end = System.nanoTime() + 90_000_000_000L;
        while (System.nanoTime() < end) {
            if (cond.call()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
