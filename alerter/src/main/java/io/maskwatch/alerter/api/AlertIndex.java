package io.maskwatch.alerter.api;

import io.maskwatch.common.contract.Alert;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The newest alerts (images included) for the API, fed from the alerts topic. Bounded: beyond
 * {@code capacity} the oldest are dropped. An alert seen twice (a re-read) is stored once.
 */
public final class AlertIndex {
    private record Key(long timestampMs, String alertId) {
    }

    private static final Comparator<Key> ORDER = Comparator.comparingLong(Key::timestampMs).thenComparing(Key::alertId);

    private final int capacity;
    private final TreeMap<Key, Alert> byTime = new TreeMap<>(ORDER);
    private final Map<String, Alert> byId = new HashMap<>();

    public AlertIndex(int capacity) {
        this.capacity = capacity;
    }

    public synchronized void add(Alert a) {
        Alert old = byId.put(a.alertId(), a);
        if (old != null) {
            byTime.remove(new Key(old.timestampMs(), old.alertId()));
        }
        byTime.put(new Key(a.timestampMs(), a.alertId()), a);
        while (byTime.size() > capacity) {
            Alert evicted = byTime.pollFirstEntry().getValue();
            byId.remove(evicted.alertId());
        }
    }

    public synchronized Optional<Alert> get(String alertId) {
        return Optional.ofNullable(byId.get(alertId));
    }

    public synchronized int size() {
        return byId.size();
    }

    /**
     * Newest first.
     *
     * @param cameras empty for all cameras
     * @param fromMs  inclusive lower bound of the alert time, or null
     * @param toMs    exclusive upper bound, or null
     */
    public synchronized List<Alert> query(Set<String> cameras, Long fromMs, Long toMs, int limit) {
        return query(cameras, fromMs, toMs, limit, a -> true);
    }

    /** As {@link #query(Set, Long, Long, int)}, only alerts that pass {@code filter} (e.g. a status). */
    public synchronized List<Alert> query(Set<String> cameras, Long fromMs, Long toMs, int limit,
                                          java.util.function.Predicate<Alert> filter) {
        List<Alert> out = new ArrayList<>();
        for (Alert a : byTime.descendingMap().values()) {
            if (out.size() >= limit) {
                break;
            }
            if (toMs != null && a.timestampMs() >= toMs) {
                continue;
            }
            if (fromMs != null && a.timestampMs() < fromMs) {
                break;
            }
            if ((cameras.isEmpty() || cameras.contains(a.cameraId())) && filter.test(a)) {
                out.add(a);
            }
        }
        return out;
    }
}
