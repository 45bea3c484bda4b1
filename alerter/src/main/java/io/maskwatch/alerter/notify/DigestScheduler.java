package io.maskwatch.alerter.notify;

import io.maskwatch.common.kafka.ConsumerThreads;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.kafka.ClientConfigs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the compliance digests of the e-mail sinks that ask for one, once per period across all
 * alerter replicas. Every replica joins the consumer group {@code <application-id>-digest} on the
 * alerts topic (paused: it reads nothing); only the member that holds partition 0 sends. What was
 * sent is the group's committed offset metadata on that partition ({@code sink=period end ms,...}),
 * committed after the e-mail went out: a new owner after a rebalance or restart continues from it
 * and does not send a period twice. A crash between sending and committing sends that digest again
 * (at-least-once, like notifications). Sent {@value #GRACE_MS} ms after the period ends, so the last
 * persons' tracks have ended and their windows are on the compliance topic; only the latest
 * complete period is sent (no backfill after a long outage).
 */
public final class DigestScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DigestScheduler.class);
    /** After a period ends: tracks end after 60 s idle, and their windows are written then. */
    public static final long GRACE_MS = 150_000;

    private final KafkaSettings kafka;
    private final String groupId;
    private final String clientId;
    private final List<EmailSink> sinks;
    private final Function<String, String> names;
    private final Clock clock;
    private final Thread thread;
    private final AtomicInteger checks = new AtomicInteger();
    private final AtomicInteger sent = new AtomicInteger();
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;

    /** @param sinks the e-mail sinks with a digest (others are ignored) */
    public DigestScheduler(KafkaSettings kafka, String applicationId, Collection<? extends Sink> sinks,
                           Function<String, String> names, Clock clock) {
        this.kafka = kafka;
        this.groupId = applicationId + "-digest";
        this.clientId = applicationId + "-digest";
        this.sinks = sinks.stream().filter(s -> s instanceof EmailSink e && e.config().email().digest() != null)
                .map(EmailSink.class::cast).toList();
        this.names = names;
        this.clock = clock;
        this.thread = new Thread(this::run, "alerter-digest");
        thread.setDaemon(true);
    }

    /** True when some sink asks for a digest. */
    public boolean needed() {
        return !sinks.isEmpty();
    }

    public void start() {
        if (!needed()) {
            return;
        }
        running = true;
        thread.start();
        log.info("compliance digests: {}", sinks.stream().map(s -> s.name() + " " + s.config().email().digest()).toList());
    }

    /** The period [start, end) a digest is due for at {@code nowMs}: the latest that ended at least the grace ago. */
    static long[] duePeriod(String digest, ZoneId zone, int hour, long nowMs) {
        ZonedDateTime t = Instant.ofEpochMilli(nowMs - GRACE_MS).atZone(zone);
        ZonedDateTime end;
        ZonedDateTime start;
        if (digest.equals("hourly")) {
            end = t.truncatedTo(ChronoUnit.HOURS);
            start = end.minusHours(1);
        } else {
            LocalDate day = t.toLocalDate();
            end = dayStart(day, hour, zone);
            if (end.isAfter(t)) {
                day = day.minusDays(1);
                end = dayStart(day, hour, zone);
            }
            start = dayStart(day.minusDays(1), hour, zone);
        }
        return new long[] {start.toInstant().toEpochMilli(), end.toInstant().toEpochMilli()};
    }

    /**
     * When the digest's day starts on {@code date}: a function of the date alone, so one day's end is the
     * next day's start also when the hour falls in a daylight-saving gap (then the hour after) or overlap
     * (the first one). Derived from another day's start instead, the period overlapped the one sent before
     * (a second digest) or left an hour out.
     */
    private static ZonedDateTime dayStart(LocalDate date, int hour, ZoneId zone) {
        return ZonedDateTime.of(date.atTime(hour, 0), zone);
    }

    private void run() {
        Properties p = ClientConfigs.consumer(kafka, groupId, clientId);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        TopicPartition owner = new TopicPartition(kafka.topics().alerts(), 0);
        while (running) {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
                consumer = c;
                c.subscribe(List.of(kafka.topics().alerts()), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> parts) {
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> parts) {
                        c.pause(parts); // membership only: nothing is read
                    }
                });
                while (running) {
                    c.poll(Duration.ofMillis(1_000));
                    if (c.assignment().contains(owner)) {
                        check(c, owner);
                    }
                    checks.incrementAndGet();
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("compliance digest: {}; trying again in 30 s", e.toString());
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void check(KafkaConsumer<String, byte[]> c, TopicPartition owner) {
        OffsetAndMetadata committed = c.committed(Set.of(owner)).get(owner);
        Map<String, Long> done = parse(committed == null ? "" : committed.metadata());
        boolean changed = false;
        for (EmailSink s : sinks) {
            EmailConfig m = s.config().email();
            long[] period = duePeriod(m.digest(), m.zone(), m.digestHour(), clock.millis());
            if (done.getOrDefault(s.name(), Long.MIN_VALUE) >= period[1]) {
                continue;
            }
            ComplianceDigest d = ComplianceDigest.read(kafka, clientId + "-read", period[0], period[1], names);
            Sink.Result r = s.send(d.subject(m.digest(), m.zone()), d.text(m.zone()), d.html(m.zone()));
            if (!r.delivered()) {
                // The SMTP server refused or is down: the next check (a second later) tries again, with a pause.
                log.warn("compliance digest for sink {} not sent: {}", s.name(), r.reason());
                sleepQuietly();
                continue;
            }
            log.info("compliance digest for sink {} sent: {} cameras, {} to {}", s.name(), d.cameras().size(),
                    Instant.ofEpochMilli(period[0]), Instant.ofEpochMilli(period[1]));
            sent.incrementAndGet();
            done.put(s.name(), period[1]);
            changed = true;
        }
        if (changed) {
            long offset = committed != null ? committed.offset() : c.position(owner);
            c.commitSync(Map.of(owner, new OffsetAndMetadata(offset, format(done))));
        }
    }

    /** A pause after a refused send; ends early when closing (no interrupt: it would break the consumer's close). */
    private void sleepQuietly() {
        long end = System.nanoTime() + 30_000_000_000L;
        try {
            while (running && System.nanoTime() < end) {
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Map<String, Long> parse(String metadata) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String kv : metadata == null ? new String[0] : metadata.split(",")) {
            int i = kv.lastIndexOf('=');
            if (i > 0) {
                try {
                    out.put(kv.substring(0, i), Long.parseLong(kv.substring(i + 1)));
                } catch (NumberFormatException e) {
                    // not ours
                }
            }
        }
        return out;
    }

    static String format(Map<String, Long> done) {
        StringBuilder b = new StringBuilder();
        done.forEach((k, v) -> b.append(b.isEmpty() ? "" : ",").append(k).append('=').append(v));
        return b.toString();
    }

    /** Poll rounds so far (each checks whether a digest is due, if this replica is the owner). */
    public int checks() {
        return checks.get();
    }

    /** Digests this replica sent. */
    public int sent() {
        return sent.get();
    }

    @Override
    public void close() {
        running = false;
        ConsumerThreads.wakeAndJoin(consumer, thread);
    }
}
