package io.maskwatch.alerter.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.maskwatch.alerter.AlerterMetrics;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.Notification;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.common.serde.EventSerdes;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.internet.MimeMessage;
import java.awt.Color;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The e-mail sink in the real dispatcher, real Kafka broker, real SMTP server: the sink with the
 * right password delivers every notification, while one with a wrong password and one whose server
 * is down are retried and then dead-lettered with a clear reason, without delaying the first.
 */
class EmailDeliveryIT {

    @Test
    void refusedLoginAndServerDownAreRetriedThenDeadLetteredWhileAWorkingSinkDelivers() throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        mail.start();
        mail.setUser("custodian@example.test", EmailSinkTest.USER, EmailSinkTest.PASSWORD);
        int downPort;
        try (ServerSocket ss = new ServerSocket(0)) {
            downPort = ss.getLocalPort();
        }
        int port = mail.getSmtp().getPort();
        Map<String, Alert> alerts = Map.of("gate-t1-1", EmailSinkTest.alert("gate-t1-1", EmailSinkTest.jpeg(Color.RED),
                EmailSinkTest.jpeg(Color.BLUE)), "gate-t2-1", EmailSinkTest.alert("gate-t2-1", EmailSinkTest.jpeg(Color.RED), null));
        Map<String, String> env = Map.of("GOOD_PASSWORD", EmailSinkTest.PASSWORD, "OLD_PASSWORD", "rotated-away-1234");
        List<Sink> sinks = List.of(
                // The failing sinks come first: were delivery serial, they would hold up the working one.
                EmailSinkTest.emailSink(EmailSinkTest.sink("mail-badauth", EmailSinkTest.smtp(port, "none", "OLD_PASSWORD")),
                        alerts, env, null),
                EmailSinkTest.emailSink(EmailSinkTest.sink("mail-down", EmailSinkTest.smtp(downPort, "none", null)),
                        alerts, env, null),
                EmailSinkTest.emailSink(EmailSinkTest.sink("mail", EmailSinkTest.smtp(port, "none", "GOOD_PASSWORD")),
                        alerts, env, null));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), KafkaSettings.TopicNames.defaults(),
                    1, (short) 1, true);
            TopicSetup.ensureTopics(kafka);
            long now = System.currentTimeMillis();
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(ClientConfigs.producer(kafka, "test"))) {
                for (String id : List.of("gate-t1-1", "gate-t2-1")) {
                    Notification n = EmailSinkTest.notification("n-" + id, List.of(id));
                    n = new Notification(2, n.notificationId(), n.cameraId(), n.cameraName(), now - 10_000, now, n.alertIds(),
                            n.alertStatuses(), n.message(), n.snapshotUrls());
                    p.send(new ProducerRecord<>(kafka.topics().notifications(), "gate",
                            EventSerdes.notifications().serialize(null, n))).get();
                }
            }
            try (NotificationDispatcher d = new NotificationDispatcher(new NotificationConfig(10_000, 60_000, 3_600_000,
                    List.of()), kafka, "email-it", sinks, new AlerterMetrics(registry), Clock.systemUTC())) {
                d.start();
                long deadline = System.currentTimeMillis() + 60_000;
                while (dlqCount(registry) < 4 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(d.problem() == null, "failing sinks are not dead loops: " + d.problem());
            }

            Set<String> ids = new TreeSet<>();
            for (MimeMessage m : mail.getReceivedMessages()) {
                ids.add(m.getMessageID());
            }
            assertEquals(Set.of("<n-gate-t1-1@maskwatch>", "<n-gate-t2-1@maskwatch>"), ids);
            assertEquals(4, mail.getReceivedMessages().length, "two notifications, two recipients each, once");
            assertEquals(2.0, registry.get("maskwatch.alerter.notifications").tags("sink", "mail", "result", "delivered")
                    .counter().count());

            List<ConsumerRecord<String, byte[]>> dlq = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(ClientConfigs.consumer(kafka, "dlq-reader", "dlq-reader"))) {
                c.subscribe(List.of(kafka.topics().notificationsDlq()));
                long deadline = System.currentTimeMillis() + 30_000;
                while (dlq.size() < 4 && System.currentTimeMillis() < deadline) {
                    c.poll(Duration.ofMillis(200)).forEach(dlq::add);
                }
            }
            List<String> reasons = dlq.stream().map(r -> header(r, NotificationDispatcher.DLQ_REASON)).sorted().toList();
            assertEquals(List.of(
                    "sink mail-badauth: SMTP authentication failed: check email.username and the password in $OLD_PASSWORD after 3 attempts",
                    "sink mail-badauth: SMTP authentication failed: check email.username and the password in $OLD_PASSWORD after 3 attempts",
                    "sink mail-down: cannot connect to the SMTP server (ConnectException) after 3 attempts",
                    "sink mail-down: cannot connect to the SMTP server (ConnectException) after 3 attempts"), reasons);
            for (ConsumerRecord<String, byte[]> r : dlq) {
                assertTrue(!new String(r.value(), StandardCharsets.UTF_8).contains("rotated-away"), "no password in the DLQ");
            }
        } finally {
            mail.stop();
        }
    }

    private static double dlqCount(SimpleMeterRegistry registry) {
        return registry.find("maskwatch.alerter.notifications.dlq").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static String header(ConsumerRecord<String, byte[]> r, String key) {
        return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
