package io.maskwatch.app.dlq;

import io.maskwatch.common.cli.Args;
import io.maskwatch.common.cli.Command;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.config.MaskWatchConfig;
import io.maskwatch.common.kafka.ClientConfigs;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * {@code maskwatch dlq replay}: sends dead letters back to the topic they came from (header
 * {@code mw.dlq.topic}, or the topic part of {@code mw.dlq.source}), or to {@code --to}, with
 * their original key, value and headers (the {@code mw.dlq.*} ones removed). It reads the DLQ
 * without a consumer group, from {@code --since} (or the beginning) up to the end it saw when it
 * started, so letters that fail again and come back are not replayed in a loop; replaying twice
 * sends twice (consumers are at-least-once anyway).
 */
public final class DlqCommand implements Command {
    static final String TOPIC_HEADER = "mw.dlq.topic";
    static final String SOURCE_HEADER = "mw.dlq.source";
    static final String REPLAYED_HEADER = "mw.replayed-from";
    private static final Pattern AGO = Pattern.compile("(\\d+)([smhd])");

    private final PrintStream out;
    private final Map<String, String> env;

    public DlqCommand() {
        this(System.out, System.getenv());
    }

    DlqCommand(PrintStream out, Map<String, String> env) {
        this.out = out;
        this.env = Map.copyOf(env);
    }

    @Override
    public String summary() {
        return "dead-letter topics: replay records to the topic they came from";
    }

    @Override
    public String usage() {
        return """
                usage: maskwatch dlq replay --topic T [--since TIME] [--to TOPIC] [--config FILE]

                Re-sends the records of dead-letter topic T (maskwatch.frames.dlq, maskwatch.notifications.dlq,
                maskwatch.alerter.dlq) to the topic each came from, with its key, value and headers;
                the mw.dlq.* headers (reason, source, attempts) are dropped and mw.replayed-from is added.
                  --topic T      the dead-letter topic to read
                  --since TIME   only letters written at or after TIME: an ISO date-time (2026-11-30T09:00:00Z,
                                 local time without a zone) or an age such as 30m, 2h, 1d
                  --to TOPIC     send everything to TOPIC instead (needed for letters that do not name their topic)
                  --config FILE  the kafka section gives the brokers (default localhost:9092)
                Reads up to the end of T as it was at the start; prints how many went where.
                See docs/RELIABILITY.md.
                """;
    }

    @Override
    public int run(List<String> argv) throws Exception {
        Args args = Args.parse(argv, Set.of("topic", "since", "to", "config"), Set.of());
        List<String> pos = args.positional();
        if (pos.size() != 1 || !pos.get(0).equals("replay")) {
            throw new Args.UsageException(pos.isEmpty() ? "say what to do: maskwatch dlq replay --topic T"
                    : "unknown dlq action '" + String.join(" ", pos) + "'; the only one is 'replay'");
        }
        String dlq = args.required("topic");
        String to = args.get("to");
        Instant since = args.has("since") ? parseSince(args.get("since"), Instant.now()) : null;
        if (args.has("config") && !Files.isRegularFile(Path.of(args.get("config")))) {
            throw new Args.UsageException("--config " + args.get("config") + " is not a file");
        }
        KafkaSettings kafka = args.has("config")
                ? MaskWatchConfig.load(Path.of(args.get("config")), env).kafka()
                : KafkaSettings.defaults();
        return replay(kafka, dlq, since, to);
    }

    /** TIME for --since: an ISO instant, an ISO local date-time or date (this machine's zone), or an age (30m, 2h, 1d). */
    public static Instant parseSince(String s, Instant now) {
        Matcher m = AGO.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException ignored) {
            // try the local forms
        }
        try {
            return LocalDateTime.parse(s).atZone(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException ignored) {
            // try a date
        }
        try {
            return LocalDate.parse(s).atStartOfDay(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            throw new Args.UsageException("--since '" + s + "' is not a time: use an ISO date-time such as "
                    + "2026-11-30T09:00:00Z, a date such as 2026-11-30, or an age such as 30m, 2h or 1d");
        }
    }

    /** Where a dead letter goes back to, or null if it does not say. */
    static String originalTopic(ConsumerRecord<?, ?> r) {
        Header t = r.headers().lastHeader(TOPIC_HEADER);
        if (t != null && t.value() != null && t.value().length > 0) {
            return new String(t.value(), StandardCharsets.UTF_8);
        }
        // Older letters only have "topic-partition@offset".
        Header s = r.headers().lastHeader(SOURCE_HEADER);
        if (s != null && s.value() != null) {
            Matcher m = Pattern.compile("(.+)-\\d+@\\d+").matcher(new String(s.value(), StandardCharsets.UTF_8));
            if (m.matches()) {
                return m.group(1);
            }
        }
        return null;
    }

    private int replay(KafkaSettings kafka, String dlq, Instant since, String to) throws Exception {
        Properties cp = ClientConfigs.consumer(kafka, "maskwatch-dlq-replay", "maskwatch-dlq-replay");
        cp.remove(ConsumerConfig.GROUP_ID_CONFIG); // assign(), no group: replaying commits nothing
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"); // DLQ writers are not transactional
        Properties pp = ClientConfigs.producer(kafka, "maskwatch-dlq-replay");
        Map<String, Integer> sent = new TreeMap<>();
        int skipped = 0;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cp);
             KafkaProducer<String, byte[]> p = new KafkaProducer<>(pp)) {
            List<PartitionInfo> infos = c.partitionsFor(dlq, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                out.println("dlq " + dlq + ": no such topic, or it has no partitions; nothing to replay");
                return 1;
            }
            Set<String> existing = c.listTopics(Duration.ofSeconds(30)).keySet();
            if (to != null && !existing.contains(to)) {
                throw new Args.UsageException("--to " + to + ": no such topic; create it first or name an existing one");
            }
            List<TopicPartition> tps = infos.stream().map(i -> new TopicPartition(dlq, i.partition())).toList();
            c.assign(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(30));
            Map<TopicPartition, Long> start = new HashMap<>(c.beginningOffsets(tps, Duration.ofSeconds(30)));
            if (since != null) {
                Map<TopicPartition, Long> query = new HashMap<>();
                tps.forEach(tp -> query.put(tp, since.toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> at = c.offsetsForTimes(query, Duration.ofSeconds(30));
                for (TopicPartition tp : tps) {
                    OffsetAndTimestamp o = at.get(tp);
                    start.put(tp, o == null ? end.get(tp) : o.offset());
                }
            }
            List<TopicPartition> todo = new ArrayList<>(tps.stream().filter(tp -> start.get(tp) < end.get(tp)).toList());
            c.assign(todo);
            todo.forEach(tp -> c.seek(tp, start.get(tp)));
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            long idleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!todo.isEmpty()) {
                var records = c.poll(Duration.ofMillis(500));
                if (records.isEmpty() && System.nanoTime() > idleDeadline) {
                    throw new IllegalStateException("no records from " + dlq + " for 60 s although its end offsets "
                            + end + " were not reached; is the broker reachable?");
                }
                for (ConsumerRecord<String, byte[]> r : records) {
                    idleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.get(tp)) {
                        continue;
                    }
                    String target = to != null ? to : originalTopic(r);
                    if (target != null && !existing.contains(target)) {
                        throw new IllegalStateException(dlq + "-" + r.partition() + "@" + r.offset() + " names topic '"
                                + target + "', which does not exist; create it or replay with --to TOPIC");
                    }
                    if (target == null) {
                        skipped++;
                    } else {
                        RecordHeaders h = new RecordHeaders();
                        for (Header x : r.headers()) {
                            if (!x.key().startsWith("mw.dlq.") && !x.key().equals(REPLAYED_HEADER)) {
                                h.add(x);
                            }
                        }
                        h.add(REPLAYED_HEADER, (r.topic() + "-" + r.partition() + "@" + r.offset())
                                .getBytes(StandardCharsets.UTF_8));
                        acks.add(p.send(new ProducerRecord<>(target, null, r.key(), r.value(), h)));
                        sent.merge(target, 1, Integer::sum);
                    }
                }
                List<TopicPartition> done = todo.stream().filter(tp -> c.position(tp) >= end.get(tp)).toList();
                c.pause(done); // read no further than the end seen at the start
                todo.removeAll(done);
            }
            for (Future<RecordMetadata> a : acks) {
                a.get(2, TimeUnit.MINUTES); // fail loudly rather than report records as replayed that were not
            }
        }
        int total = sent.values().stream().mapToInt(Integer::intValue).sum();
        out.println("dlq " + dlq + ": replayed " + total + (total == 1 ? " record" : " records")
                + (sent.isEmpty() ? "" : " " + sent)
                + (skipped == 0 ? "" : "; skipped " + skipped + " that do not name their original topic (use --to TOPIC)"));
        return skipped == 0 ? 0 : 1;
    }
}
