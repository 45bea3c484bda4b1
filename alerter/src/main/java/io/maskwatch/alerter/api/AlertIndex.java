package io.maskwatch.alerter.api;

import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.AlertImages;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The newest alerts (images included) for the API, fed from the alerts topic and joined with their
 * images from the alert-images topic (either may arrive first: the two are read side by side).
 * Bounded: beyond {@code capacity} the oldest are dropped. An alert seen twice (a re-read) is stored
 * once. An erased alert is dropped and never taken in again (the alerts topic still holds its
 * image-less record until its retention).
 */
public final class AlertIndex {
    private record Key(long timestampMs, String alertId) {
    }

    private static final Comparator<Key> ORDER = Comparator.comparingLong(Key::timestampMs).thenComparing(Key::alertId);

    private final int capacity;
    private final TreeMap<Key, Alert> byTime = new TreeMap<>(ORDER);
    private final Map<String, Alert> byId = new HashMap<>();
    private final Set<String> erased = new java.util.HashSet<>();
    /** Images whose alert has not been read yet; bounded like the alerts. */
    private final Map<String, AlertImages> pendingImages = new java.util.LinkedHashMap<>();

    public AlertIndex(int capacity) {
        this.capacity = capacity;
    }

    public synchronized void add(Alert a) {
        if (erased.contains(a.alertId())) {
            return;
        }
        AlertImages pending = pendingImages.remove(a.alertId());
        Alert old = byId.get(a.alertId());
        if (!a.hasImages() && pending != null) {
            a = a.withImages(pending);
        } else if (!a.hasImages() && old != null && old.hasImages()) {
            a = a.withImages(old.images()); // a re-read of the record: keep the images joined before
        }
        old = byId.put(a.alertId(), a);
        if (old != null) {
            byTime.remove(new Key(old.timestampMs(), old.alertId()));
        }
        byTime.put(new Key(a.timestampMs(), a.alertId()), a);
        while (byTime.size() > capacity) {
            Alert evicted = byTime.pollFirstEntry().getValue();
            byId.remove(evicted.alertId());
        }
    }

    /** Joins a record of the alert-images topic to its alert (now, or when the alert is read). */
    public synchronized void putImages(AlertImages images) {
        if (erased.contains(images.alertId())) {
            return;
        }
        Alert a = byId.get(images.alertId());
        if (a == null) {
            pendingImages.put(images.alertId(), images);
            Iterator<String> it = pendingImages.keySet().iterator();
            while (pendingImages.size() > capacity && it.hasNext()) {
                it.next();
                it.remove();
            }
            return;
        }
        Alert joined = a.withImages(images);
        byId.put(a.alertId(), joined);
        byTime.put(new Key(a.timestampMs(), a.alertId()), joined);
    }

    /** A tombstone in the alert-images topic: the alert stays, without images. */
    public synchronized void removeImages(String alertId) {
        pendingImages.remove(alertId);
        Alert a = byId.get(alertId);
        if (a != null && a.hasImages()) {
            Alert bare = a.withImages(null);
            byId.put(alertId, bare);
            byTime.put(new Key(a.timestampMs(), alertId), bare);
        }
    }

    /** Drops the alert with its images, now and when the topics are read again. */
    public synchronized void erase(String alertId) {
        erased.add(alertId);
        pendingImages.remove(alertId);
        Alert old = byId.remove(alertId);
        if (old != null) {
            byTime.remove(new Key(old.timestampMs(), old.alertId()));
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

    /** As {@link #query(Set, Long, Long, int)}, keeping only alerts that pass {@code filter}. */
    public synchronized List<Alert> query(Set<String> cameras, Long fromMs, Long toMs, int limit, Predicate<Alert> filter) {
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
