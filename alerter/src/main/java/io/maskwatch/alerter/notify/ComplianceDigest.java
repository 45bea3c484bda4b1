package io.maskwatch.alerter.notify;

import io.maskwatch.alerter.compliance.ComplianceCounts;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.ComplianceWindow;
import io.maskwatch.common.contract.EventDecodingException;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.serde.EventSerdes;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * One period's compliance digest, read from the topics themselves: the compliance topic's per-camera
 * windows that start in the period (the latest record of each window: windows are corrected while
 * late persons end) and the alerts topic's alerts raised in it. Reading the topics, not the API's
 * in-memory views, makes a daily digest independent of how much history the views keep and of
 * when the replica started.
 */
record ComplianceDigest(long fromMs, long toMs, List<Row> cameras) {

    /** One camera's period: persons by status and alerts raised (unmasked, below nose). */
    record Row(String cameraId, String cameraName, ComplianceCounts counts, long alertsUnmasked, long alertsIncorrect) {
        long alerts() {
            return alertsUnmasked + alertsIncorrect;
        }
    }

    /** Reads the period [fromMs, toMs) from the compliance and alerts topics (read_committed, no group). */
    static ComplianceDigest read(KafkaSettings kafka, String clientId, long fromMs, long toMs, Function<String, String> names) {
        Properties p = ClientConfigs.consumer(kafka, "unused", clientId);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Map<String, Map<Long, ComplianceWindow>> windows = new TreeMap<>();
        Map<String, long[]> alerts = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            for (ConsumerRecord<String, byte[]> r : records(c, kafka.topics().compliance(), fromMs)) {
                try {
                    ComplianceWindow w = EventSerdes.compliance().deserialize(r.topic(), r.value());
                    if (w != null && !w.cameraId().equals(ComplianceWindow.FACILITY)
                            && w.windowStartMs() >= fromMs && w.windowStartMs() < toMs) {
                        windows.computeIfAbsent(w.cameraId(), k -> new HashMap<>()).put(w.windowStartMs(), w);
                    }
                } catch (EventDecodingException e) {
                    // counted by the API views; a digest skips it
                }
            }
            for (ConsumerRecord<String, byte[]> r : records(c, kafka.topics().alerts(), fromMs)) {
                try {
                    Alert a = EventSerdes.alerts().deserialize(r.topic(), r.value());
                    if (a != null && a.timestampMs() >= fromMs && a.timestampMs() < toMs) {
                        alerts.computeIfAbsent(a.cameraId(), k -> new long[2])[a.status() == PersonStatus.INCORRECT ? 1 : 0]++;
                    }
                } catch (EventDecodingException e) {
                    // as above
                }
            }
        }
        TreeMap<String, Row> rows = new TreeMap<>();
        windows.forEach((cam, ws) -> {
            ComplianceCounts sum = ComplianceCounts.ZERO;
            for (ComplianceWindow w : ws.values()) {
                sum = sum.plus(ComplianceCounts.of(w));
            }
            rows.put(cam, new Row(cam, names.apply(cam), sum, 0, 0));
        });
        alerts.forEach((cam, n) -> {
            Row r = rows.get(cam);
            ComplianceCounts counts = r == null ? ComplianceCounts.ZERO : r.counts();
            rows.put(cam, new Row(cam, names.apply(cam), counts, n[0], n[1]));
        });
        return new ComplianceDigest(fromMs, toMs, List.copyOf(rows.values()));
    }

    /** Every record of the topic from the first at or after {@code fromMs} to the end as of now. */
    private static List<ConsumerRecord<String, byte[]>> records(KafkaConsumer<String, byte[]> c, String topic, long fromMs) {
        List<TopicPartition> parts = new ArrayList<>();
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
        if (infos == null) {
            return List.of();
        }
        infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
        c.assign(parts);
        Map<TopicPartition, Long> ends = c.endOffsets(parts, Duration.ofSeconds(10));
        Map<TopicPartition, Long> at = new HashMap<>();
        parts.forEach(tp -> at.put(tp, fromMs));
        Map<TopicPartition, OffsetAndTimestamp> start = c.offsetsForTimes(at, Duration.ofSeconds(10));
        List<TopicPartition> open = new ArrayList<>();
        for (TopicPartition tp : parts) {
            OffsetAndTimestamp o = start.get(tp);
            c.seek(tp, o == null ? ends.get(tp) : o.offset());
            if (o != null) {
                open.add(tp);
            }
        }
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (open.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("reading " + topic + " for the digest took over 60 s");
            }
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition())) && r.value() != null) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    String subject(String period, ZoneId zone) {
        ComplianceCounts all = total();
        return "MaskWatch " + period + " compliance " + percent(all.compliance()) + ", " + cameras.stream()
                .mapToLong(Row::alerts).sum() + " alerts (" + span(zone) + ")";
    }

    ComplianceCounts total() {
        ComplianceCounts all = ComplianceCounts.ZERO;
        for (Row r : cameras) {
            all = all.plus(r.counts());
        }
        return all;
    }

    String text(ZoneId zone) {
        StringBuilder b = new StringBuilder("Compliance " + span(zone) + "\n\n");
        if (cameras.isEmpty()) {
            b.append("No person was counted and no alert raised in this period.\n");
        }
        for (Row r : cameras) {
            b.append(String.format(Locale.ROOT, "%s (%s): compliance %s, %d persons (%d masked, %d no mask, %d mask below nose, "
                            + "%d uncertain), %d alerts (%d no mask, %d mask below nose)%n", r.cameraName(), r.cameraId(),
                    percent(r.counts().compliance()), r.counts().persons(), r.counts().masked(), r.counts().unmasked(),
                    r.counts().incorrect(), r.counts().uncertain(), r.alerts(), r.alertsUnmasked(), r.alertsIncorrect()));
        }
        return b.toString();
    }

    String html(ZoneId zone) {
        StringBuilder b = new StringBuilder("<html><body style=\"font-family:sans-serif\"><h2>Compliance "
                + EmailSink.esc(span(zone)) + "</h2>");
        if (cameras.isEmpty()) {
            b.append("<p>No person was counted and no alert raised in this period.</p>");
        } else {
            b.append("<table border=\"1\" cellpadding=\"4\" style=\"border-collapse:collapse\"><tr><th>Camera</th>"
                    + "<th>Compliance</th><th>Persons</th><th>Masked</th><th>No mask</th><th>Below nose</th>"
                    + "<th>Uncertain</th><th>Alerts</th></tr>");
            for (Row r : cameras) {
                ComplianceCounts c = r.counts();
                b.append("<tr><td>").append(EmailSink.esc(r.cameraName())).append("</td><td>")
                        .append(percent(c.compliance())).append("</td><td>").append(c.persons()).append("</td><td>")
                        .append(c.masked()).append("</td><td>").append(c.unmasked()).append("</td><td>")
                        .append(c.incorrect()).append("</td><td>").append(c.uncertain()).append("</td><td>")
                        .append(r.alerts()).append("</td></tr>");
            }
            b.append("</table>");
        }
        return b.append("<p>Compliance = masked / (masked + no mask + mask below nose).</p></body></html>").toString();
    }

    private String span(ZoneId zone) {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(zone);
        return f.format(Instant.ofEpochMilli(fromMs)) + " to " + f.format(Instant.ofEpochMilli(toMs)) + " " + zone.getId();
    }

    static String percent(Double ratio) {
        return ratio == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }
}
