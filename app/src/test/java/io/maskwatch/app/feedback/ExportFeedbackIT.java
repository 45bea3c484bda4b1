package io.maskwatch.app.feedback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.alerter.review.Review;
import io.maskwatch.alerter.review.ReviewLog;
import io.maskwatch.alerter.review.ReviewState;
import io.maskwatch.common.cli.Args;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.common.serde.EventSerdes;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import io.maskwatch.model.training.FaceDataset;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * {@code maskwatch export-feedback} end to end on a real broker: alerts in the alerts topic, reviews
 * and an erasure written by the alerter's own {@link ReviewLog}; the export is a dataset root
 * {@code train} opens, and a second export removes the crop of an alert erased in between.
 */
class ExportFeedbackIT {
    private static byte[] jpeg(int n) {
        // Distinct bytes per alert are enough to check the copy; FaceDataset only lists files.
        return ("\u00ff\u00d8fake-face-" + n).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Alert alert(String camera, int n, long ts, boolean face) {
        String track = camera + "-" + ts + "-0";
        return new Alert(2, track + "-1", camera, track, ts, PersonStatus.UNMASKED, 0.9, 8, new Box(1, 2, 30, 40),
                face ? jpeg(n) : null, null);
    }

    @Test
    void falseAlarmsBecomeATrainingRootAndErasedOnesLeaveIt() throws Exception {
        Path dir = Files.createTempDirectory("export-feedback-it-");
        Path out = dir.resolve("feedback");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), KafkaSettings.TopicNames.defaults(),
                    2, (short) 1, true);
            TopicSetup.ensureTopics(kafka);
            long now = System.currentTimeMillis();
            Alert scarf = alert("entrance-a", 1, now - 50_000, true);   // false alarm, no label -> mask
            Alert wrongKind = alert("lobby", 2, now - 40_000, true);    // false alarm, label no_mask
            Alert toErase = alert("lobby", 3, now - 30_000, true);      // false alarm, erased after the first export
            Alert acked = alert("entrance-a", 4, now - 20_000, true);   // only acknowledged: not feedback
            Alert noFace = alert("entrance-a", 5, now - 10_000, false); // false alarm without a crop
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(ClientConfigs.producer(kafka, "it"))) {
                for (Alert a : List.of(scarf, wrongKind, toErase, acked, noFace)) {
                    Alert rec = a;
                    if (a == scarf || a == wrongKind) {
                        // As the alerter writes them now (schema 3): the crop in alert-images, keyed by alert id.
                        p.send(new ProducerRecord<>(kafka.topics().alertImages(), a.alertId(),
                                EventSerdes.alertImages().serialize(kafka.topics().alertImages(), a.images()))).get();
                        rec = new Alert(io.maskwatch.common.contract.SchemaVersions.ALERT, a.alertId(), a.cameraId(),
                                a.trackId(), a.timestampMs(), a.status(), a.confidence(), a.frameCount(), a.box(), null, null);
                    }
                    p.send(new ProducerRecord<>(kafka.topics().alerts(), rec.cameraId(),
                            EventSerdes.alerts().serialize(kafka.topics().alerts(), rec))).get();
                }
            }
            ReviewState state = new ReviewState(id -> { });
            try (ReviewLog log = new ReviewLog(kafka, state, Clock.systemUTC(), "it-reviews")) {
                log.start();
                log.put(Review.empty(scarf.alertId()).withFalseAlarm(new Review.FalseAlarm("admin", now, "a scarf", null)));
                log.put(Review.empty(wrongKind.alertId()).withFalseAlarm(new Review.FalseAlarm("admin", now, null, "no_mask")));
                log.put(Review.empty(toErase.alertId()).withFalseAlarm(new Review.FalseAlarm("admin", now, null, null)));
                log.put(Review.empty(acked.alertId()).withAcknowledged(new Review.Acknowledged("admin", now, null)));
                log.put(Review.empty(noFace.alertId()).withFalseAlarm(new Review.FalseAlarm("admin", now, null, null)));
            }
            Path config = dir.resolve("maskwatch.yaml");
            Files.writeString(config, "kafka:\n  bootstrap-servers: " + broker.bootstrapServers() + "\n");

            String first = run("--out", out.toString(), "--config", config.toString());
            assertTrue(first.contains("3 crop(s) {mask=2, no_mask=1}"), first);
            assertTrue(first.contains("1 false alarm(s) had no face crop"), first);
            assertArrayEquals(scarf.faceJpeg(), Files.readAllBytes(out.resolve("train/mask/" + scarf.alertId() + ".jpg")));
            assertArrayEquals(wrongKind.faceJpeg(), Files.readAllBytes(out.resolve("train/no_mask/" + wrongKind.alertId() + ".jpg")));
            assertTrue(Files.exists(out.resolve("train/mask/" + toErase.alertId() + ".jpg")));
            assertFalse(Files.exists(out.resolve("train/mask/" + acked.alertId() + ".jpg")), "acknowledged is not a false alarm");

            // What train reads: a root with train/<class>/ folders and the manifest's source set.
            FaceDataset ds = FaceDataset.open(List.of(out), null);
            assertEquals(List.of("mask", "no_mask"), ds.classes());
            List<FaceDataset.Sample> samples = ds.samples("train", List.of());
            assertEquals(3, samples.size());
            assertTrue(samples.stream().allMatch(s -> s.source().equals("feedback")), samples.toString());

            // Erase one, export again: its crop and manifest row go, the others stay.
            try (ReviewLog log = new ReviewLog(kafka, new ReviewState(id -> { }), Clock.systemUTC(), "it-erase")) {
                log.start();
                log.erase(toErase.alertId());
            }
            String second = run("--out", out.toString(), "--config", config.toString());
            assertTrue(second.contains("2 crop(s)") && second.contains("removed 1 crop(s) of alerts erased since"), second);
            assertFalse(Files.exists(out.resolve("train/mask/" + toErase.alertId() + ".jpg")));
            String manifest = Files.readString(out.resolve("MANIFEST.tsv"));
            assertFalse(manifest.contains(toErase.alertId()), manifest);
            assertTrue(manifest.contains(scarf.alertId() + "\tentrance-a\tunmasked"), manifest);
            assertEquals(2, FaceDataset.open(List.of(out), null).samples("train", List.of()).size());

            // --since after every mark: nothing new, nothing lost.
            String none = run("--out", out.toString(), "--since", "2999-01-01T00:00:00Z", "--config", config.toString());
            assertTrue(none.contains("0 crop(s)"), none);
            assertTrue(Files.exists(out.resolve("train/mask/" + scarf.alertId() + ".jpg")));

            // Each crop written is in the audit trail, by the command's user.
            List<String> audit = readAll(kafka, kafka.topics().audit());
            assertEquals(5, audit.stream().filter(v -> v.contains("\"export_feedback\"")).count(), audit.toString());
            assertTrue(audit.stream().allMatch(v -> v.contains("\"by\":\"cli:")), audit.toString());

            // A folder that holds something else is refused, naming what to do.
            Path other = Files.createDirectories(dir.resolve("other"));
            Files.writeString(other.resolve("notes.txt"), "mine");
            Args.UsageException e = assertThrows(Args.UsageException.class,
                    () -> run("--out", other.toString(), "--config", config.toString()));
            assertTrue(e.getMessage().contains("export into a folder of its own"), e.getMessage());
        } finally {
            io.maskwatch.common.io.Directories.deleteRecursively(dir);
        }
    }

    private static String run(String... args) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = new ExportFeedbackCommand(new PrintStream(buf, true, StandardCharsets.UTF_8), Map.of()).run(List.of(args));
        assertEquals(0, rc);
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static List<String> readAll(KafkaSettings kafka, String topic) {
        Properties p = ClientConfigs.consumer(kafka, "unused", "it-audit");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> out.add(new String(r.value(), StandardCharsets.UTF_8)));
            }
        }
        return out;
    }
}
