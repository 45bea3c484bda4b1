package io.maskwatch.alerter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.maskwatch.alerter.api.TestImages;
import io.maskwatch.alerter.notify.EmailConfig;
import io.maskwatch.alerter.notify.NotificationConfig;
import io.maskwatch.alerter.notify.SinkConfig;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.Face;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.serde.EventSerdes;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path to a custodian's mailbox: detections of a person without a mask go into a real
 * broker, the alerter (topology, notification grouping, dispatcher, the API's alert store) sends
 * the notification through its e-mail sink to a real SMTP server, and the e-mail shows that
 * person's face and heat map (the very bytes the detector sent) inline and links to the alert.
 * The SMTP password comes from a file, as from a mounted Secret.
 */
class AlerterEmailIT {
    private static final long STEP = 250;

    @Test
    void anUnmaskedPersonReachesTheCustodianAsAnEmailWithFaceHeatMapAndLink(@TempDir Path tmp) throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        mail.start();
        mail.setUser("custodian@example.test", "alerter", "smtp-secret-9k2");
        Path password = tmp.resolve("smtp-password");
        Files.writeString(password, "smtp-secret-9k2\n");
        byte[] crop = TestImages.face(7);
        byte[] heat = TestImages.heatmap(7);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), KafkaSettings.TopicNames.defaults(),
                    1, (short) 1, true);
            EmailConfig smtp = new EmailConfig("127.0.0.1", mail.getSmtp().getPort(), "none", "alerter", null,
                    password.toString(), "MaskWatch <maskwatch@example.test>", List.of("custodian@example.test"), null);
            AlerterConfig cfg = AlerterConfig.defaults()
                    .withApplicationId("alerter-email-it")
                    .withApiToken("alerter-email-it-token-0123")
                    .withStateDir(tmp.resolve("state").toString())
                    .withHttp("127.0.0.1", 0, "https://alerter.example.test")
                    .withCommitIntervalMs(100)
                    .withNotifications(new NotificationConfig(500, 500, 3_600_000, List.of(
                            new SinkConfig("email", "custodian", null, null, 5_000L, 3, 50L, 200L, smtp))));
            AlerterService service = new AlerterService(cfg, kafka, List.of(), new SimpleMeterRegistry());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ClientConfigs.producer(kafka, "it-detector"))) {
                service.start();
                long base = System.currentTimeMillis() - 30_000;
                List<DetectionEvent> events = new ArrayList<>();
                for (int i = 0; i < 14; i++) {
                    long ts = base + i * STEP;
                    Face f = Script.face(100 + i * 40, 300, 70 + i, 0.93, crop).withImages(crop, heat);
                    events.add(DetectionEvent.of("gate", ts, ts, ts + 40, 1280, 720, "test", "m@test", List.of(f)));
                }
                for (long ts = base + 14 * STEP; ts < base + 14 * STEP + 4_000; ts += STEP) {
                    events.add(DetectionEvent.of("gate", ts, ts, ts + 40, 1280, 720, "test", "m@test", List.of()));
                }
                for (DetectionEvent e : events) {
                    producer.send(new ProducerRecord<>(kafka.topics().detections(), null, e.captureTimestampMs(), e.cameraId(),
                            EventSerdes.detections().serialize(null, e)));
                }
                producer.flush();
                long deadline = System.currentTimeMillis() + 120_000;
                while (mail.getReceivedMessages().length == 0 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                }
            } finally {
                service.close();
            }
            MimeMessage[] got = mail.getReceivedMessages();
            assertEquals(1, got.length, "one notification, one recipient");
            MimeMessage m = got[0];
            assertTrue(m.getSubject().startsWith("MaskWatch: 1 person without a mask at gate"), m.getSubject());
            Multipart related = (Multipart) ((Multipart) m.getContent()).getBodyPart(1).getContent();
            String html = (String) related.getBodyPart(0).getContent();
            assertTrue(html.contains("<a href=\"https://alerter.example.test/?alert="), html);
            Map<String, byte[]> inline = new HashMap<>();
            for (int i = 1; i < related.getCount(); i++) {
                BodyPart p = related.getBodyPart(i);
                try (InputStream in = p.getInputStream()) {
                    inline.put(p.getHeader("Content-ID")[0], in.readAllBytes());
                }
            }
            assertArrayEquals(crop, inline.get("<face-0@maskwatch>"), "the person's face, from the alert store: " + html);
            assertArrayEquals(heat, inline.get("<heatmap-0@maskwatch>"), "and its heat map");
        } finally {
            mail.stop();
        }
    }
}
