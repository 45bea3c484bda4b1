package io.maskwatch.alerter.review;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.AlertImages;
import io.maskwatch.common.contract.EventDecodingException;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.serde.EventSerdes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Turns the custodian's false alarms into classifier training crops: the face of every alert marked
 * a false alarm (and not erased) goes to {@code OUT/train/<corrected label>/<alert id>.jpg} (label
 * {@code mask} unless the custodian gave one), listed in {@code OUT/MANIFEST.tsv} with source set
 * {@code feedback}: the layout {@code ./maskwatch train --data} reads, as an extra data root. Exporting
 * again into the same folder updates it and deletes the crops of alerts erased since.
 */
public final class FeedbackExport {
    public static final String DEFAULT_LABEL = "mask";
    public static final String SOURCE_SET = "feedback";
    static final String MANIFEST = "MANIFEST.tsv";
    static final List<String> COLUMNS = List.of("split", "label", "file", "source_set", "alert_id", "camera_id",
            "alert_status", "marked_at");
    private static final Duration IDLE_LIMIT = Duration.ofSeconds(60);

    /** What an export did. */
    public record Result(Map<String, Integer> writtenByLabel, int withoutFace, int expired, int removedErased) {
        public int written() {
            return writtenByLabel.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private FeedbackExport() {
    }

    /**
     * @param sinceMs only false alarms marked at or after this time, or null for all
     * @param by      who exports, for the audit topic ({@code cli:USER})
     * @throws IllegalArgumentException when {@code out} holds something other than an earlier export
     */
    public static Result run(KafkaSettings kafka, Path out, Long sinceMs, String by) throws IOException {
        Map<String, List<String>> previous = previousExport(out);
        Map<String, Review> reviews = new HashMap<>();
        Set<String> erased = new HashSet<>();
        Properties cp = ClientConfigs.consumer(kafka, "unused", "maskwatch-export-feedback");
        cp.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Map<String, Alert> found = new HashMap<>();
        Map<String, Review> wanted = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cp)) {
            readWhole(c, kafka.topics().alertErasures(), (k, v) -> {
                if (k != null && v != null) {
                    erased.add(k);
                }
            });
            readWhole(c, kafka.topics().alertReviews(), (k, v) -> {
                if (k == null) {
                    return;
                }
                Review r = ReviewJson.read(kafka.topics().alertReviews(), v, Review.class);
                if (r == null) {
                    reviews.remove(k);
                } else {
                    reviews.put(k, r);
                }
            });
            reviews.forEach((id, r) -> {
                if (r.falseAlarm() != null && !erased.contains(id) && (sinceMs == null || r.falseAlarm().atMs() >= sinceMs)) {
                    wanted.put(id, r);
                }
            });
            if (!wanted.isEmpty()) {
                readWhole(c, kafka.topics().alerts(), (k, v) -> {
                    Alert a = EventSerdes.alerts().deserialize(kafka.topics().alerts(), v);
                    if (a != null && wanted.containsKey(a.alertId())) {
                        found.put(a.alertId(), a);
                    }
                });
                // Schema 3 alerts keep their face in the compacted alert-images topic (latest per id wins,
                // a tombstone means erased); older ones carry it inline.
                Map<String, AlertImages> images = new HashMap<>();
                readWhole(c, kafka.topics().alertImages(), (k, v) -> {
                    if (k == null || !wanted.containsKey(k)) {
                        return;
                    }
                    AlertImages img = v == null ? null : EventSerdes.alertImages().deserialize(kafka.topics().alertImages(), v);
                    if (img == null) {
                        images.remove(k);
                    } else {
                        images.put(k, img);
                    }
                });
                found.replaceAll((id, a) -> a.hasImages() ? a : a.withImages(images.get(id)));
            }
        }

        Files.createDirectories(out);
        // Crops of alerts erased since an earlier export go; so do crops whose label was corrected.
        int removed = 0;
        Map<String, List<String>> rows = new TreeMap<>(previous);
        for (var e : previous.entrySet()) {
            if (erased.contains(e.getKey())) {
                Files.deleteIfExists(out.resolve(e.getValue().get(2)));
                rows.remove(e.getKey());
                removed++;
            }
        }
        Map<String, Integer> byLabel = new TreeMap<>();
        int withoutFace = 0;
        List<String> exported = new ArrayList<>();
        for (var e : wanted.entrySet()) {
            Alert a = found.get(e.getKey());
            if (a == null) {
                continue;
            }
            if (a.faceJpeg() == null) {
                withoutFace++;
                continue;
            }
            Review.FalseAlarm fa = e.getValue().falseAlarm();
            String label = fa.label() == null ? DEFAULT_LABEL : fa.label();
            String file = "train/" + label + "/" + safe(a.alertId()) + ".jpg";
            List<String> old = rows.get(a.alertId());
            if (old != null && !old.get(2).equals(file)) {
                Files.deleteIfExists(out.resolve(old.get(2)));
            }
            Files.createDirectories(out.resolve(file).getParent());
            Files.write(out.resolve(file), a.faceJpeg());
            rows.put(a.alertId(), List.of("train", label, file, SOURCE_SET, a.alertId(), a.cameraId(),
                    a.status().wireName(), Instant.ofEpochMilli(fa.atMs()).toString()));
            byLabel.merge(label, 1, Integer::sum);
            exported.add(a.alertId());
        }
        writeManifest(out, rows.values());
        audit(kafka, by, exported);
        int expired = (int) wanted.keySet().stream().filter(id -> !found.containsKey(id)).count();
        return new Result(byLabel, withoutFace, expired, removed);
    }

    /** The rows of an earlier export by alert id; refuses a folder that holds something else. */
    private static Map<String, List<String>> previousExport(Path out) throws IOException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        if (!Files.exists(out)) {
            return rows;
        }
        if (!Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file; give a folder for the crops");
        }
        Path manifest = out.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("--out " + out + " is not empty and holds no earlier export ("
                            + MANIFEST + " missing); export into a folder of its own and pass it to train as an extra --data");
                }
            }
            return rows;
        }
        List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !List.of(lines.get(0).split("\t")).equals(COLUMNS)) {
            throw new IllegalArgumentException(manifest + " is not an export-feedback manifest (columns " + COLUMNS
                    + "); export into a folder of its own and pass it to train as an extra --data");
        }
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = List.of(line.split("\t", -1));
            if (f.size() == COLUMNS.size()) {
                rows.put(f.get(4), f);
            }
        }
        return rows;
    }

    private static void writeManifest(Path out, Iterable<List<String>> rows) throws IOException {
        StringBuilder sb = new StringBuilder(String.join("\t", COLUMNS)).append('\n');
        rows.forEach(r -> sb.append(String.join("\t", r)).append('\n'));
        Path tmp = out.resolve(MANIFEST + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        Files.move(tmp, out.resolve(MANIFEST), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** One audit record per exported crop: who copied which face out of MaskWatch. */
    private static void audit(KafkaSettings kafka, String by, List<String> alertIds) {
        if (alertIds.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(ClientConfigs.producer(kafka, "maskwatch-export-feedback"))) {
            for (String id : alertIds) {
                p.send(new ProducerRecord<>(kafka.topics().audit(), id,
                        ReviewJson.write(AuditRecord.of(now, by, AuditRecord.Action.EXPORT_FEEDBACK, id))));
            }
            p.flush();
        }
    }

    /** Alert ids come from camera ids ([A-Za-z0-9._-]); anything else becomes '_' in a file name. */
    static String safe(String id) {
        String s = id.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.startsWith(".") ? "_" + s.substring(1) : s;
    }

    /** Every record of {@code topic} up to its end offsets as of now, skipping undecodable ones. */
    private static void readWhole(KafkaConsumer<String, byte[]> c, String topic, BiConsumer<String, byte[]> each) {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist; is kafka.bootstrap-servers the MaskWatch "
                    + "cluster, and has the alerter run there?");
        }
        List<TopicPartition> tps = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        c.assign(tps);
        c.seekToBeginning(tps);
        Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(30));
        long idleDeadline = System.nanoTime() + IDLE_LIMIT.toNanos();
        while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
            var records = c.poll(Duration.ofMillis(500));
            if (!records.isEmpty()) {
                idleDeadline = System.nanoTime() + IDLE_LIMIT.toNanos();
            } else if (System.nanoTime() > idleDeadline) {
                throw new IllegalStateException("no records from " + topic + " for " + IDLE_LIMIT.toSeconds()
                        + " s before its end offsets " + end + "; is the broker reachable?");
            }
            for (ConsumerRecord<String, byte[]> r : records) {
                try {
                    each.accept(r.key(), r.value());
                } catch (EventDecodingException e) {
                    System.err.println("skipping undecodable record " + r.topic() + "-" + r.partition() + "@" + r.offset()
                            + ": " + e.reason());
                }
            }
        }
    }
}
