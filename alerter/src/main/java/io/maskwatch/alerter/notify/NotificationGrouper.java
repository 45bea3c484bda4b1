package io.maskwatch.alerter.notify;

import io.maskwatch.alerter.CameraNames;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.Notification;
import io.maskwatch.common.contract.SchemaVersions;
import java.time.Duration;
import java.util.ArrayList;
import io.maskwatch.common.contract.PersonStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Groups a camera's alerts into one notification ("2 people without a mask and 1 person with mask
 * below nose at Entrance A in the last 10 s"): the first alert opens a group, which is sent
 * when the grouping window has passed and the camera's rate limit allows (wall clock, checked on
 * every alert and by a punctuator). Ids are {@code n-<first alert id>}, so replays cannot duplicate.
 */
public final class NotificationGrouper implements Processor<String, Alert, String, Notification> {
    private final String storeName;
    private final NotificationConfig cfg;
    private final CameraNames names;
    private final SnapshotLinks links;
    private final long checkMs;
    private ProcessorContext<String, Notification> context;
    private KeyValueStore<String, PendingNotification> store;

    public NotificationGrouper(String storeName, NotificationConfig cfg, CameraNames names, SnapshotLinks links,
                               long checkMs) {
        this.storeName = storeName;
        this.cfg = cfg;
        this.names = names;
        this.links = links;
        this.checkMs = checkMs;
    }

    @Override
    public void init(ProcessorContext<String, Notification> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        context.schedule(Duration.ofMillis(checkMs), PunctuationType.WALL_CLOCK_TIME, this::flushDue);
    }

    @Override
    public void process(Record<String, Alert> record) {
        Alert a = record.value();
        if (a == null) {
            return;
        }
        long wallNow = context.currentSystemTimeMs();
        PendingNotification p = store.get(a.cameraId());
        p = (p == null ? PendingNotification.empty() : p)
                .add(new PendingNotification.PendingAlert(a.alertId(), a.trackId(), a.timestampMs(), a.status()), wallNow);
        store.put(a.cameraId(), maybeSend(a.cameraId(), p, wallNow));
    }

    private void flushDue(long wallNow) {
        List<KeyValue<String, PendingNotification>> due = new ArrayList<>();
        try (KeyValueIterator<String, PendingNotification> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, PendingNotification> kv = it.next();
                if (kv.value.due(wallNow, cfg.windowMs(), cfg.rateLimitMs())) {
                    due.add(kv);
                }
            }
        }
        for (KeyValue<String, PendingNotification> kv : due) {
            store.put(kv.key, maybeSend(kv.key, kv.value, wallNow));
        }
    }

    private PendingNotification maybeSend(String camera, PendingNotification p, long wallNow) {
        if (!p.due(wallNow, cfg.windowMs(), cfg.rateLimitMs())) {
            return p;
        }
        Notification n = build(camera, p.alerts());
        context.forward(new Record<>(camera, n, n.windowEndMs()));
        return p.sent(wallNow);
    }

    Notification build(String camera, List<PendingNotification.PendingAlert> alerts) {
        long start = alerts.stream().mapToLong(PendingNotification.PendingAlert::timestampMs).min().orElse(0);
        long end = alerts.stream().mapToLong(PendingNotification.PendingAlert::timestampMs).max().orElse(0);
        // A person is counted once, under the status of their latest alert in the group.
        Map<String, PersonStatus> people = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        List<PersonStatus> statuses = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        for (PendingNotification.PendingAlert a : alerts) {
            people.put(a.trackId(), a.status());
            ids.add(a.alertId());
            statuses.add(a.status());
            urls.add(links.face(a.alertId()));
        }
        String name = names.name(camera);
        long seconds = Math.max(1, (Math.max(cfg.windowMs(), end - start) + 999) / 1000);
        long incorrect = people.values().stream().filter(s -> s == PersonStatus.INCORRECT).count();
        long unmasked = people.size() - incorrect;
        List<String> parts = new ArrayList<>();
        if (unmasked > 0) {
            parts.add(persons(unmasked) + " without a mask");
        }
        if (incorrect > 0) {
            parts.add(persons(incorrect) + " with mask below nose");
        }
        String message = String.join(" and ", parts) + " at " + name + " in the last " + seconds + " s";
        return new Notification(SchemaVersions.NOTIFICATION, "n-" + ids.get(0), camera, name, start, end, ids,
                statuses, message, urls);
    }

    private static String persons(long n) {
        return n + (n == 1 ? " person" : " people");
    }
}
