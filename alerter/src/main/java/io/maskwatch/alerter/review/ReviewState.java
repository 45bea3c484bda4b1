package io.maskwatch.alerter.review;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Every review and erased alert id, in memory: the whole of the two compacted topics (small records,
 * one per reviewed or erased alert), so every alerter replica answers alike. Fed by
 * {@link ReviewViews} and, at once, by this replica's own writes.
 */
public final class ReviewState {
    private final Map<String, Review> reviews = new ConcurrentHashMap<>();
    private final Set<String> erased = ConcurrentHashMap.newKeySet();
    private final Consumer<String> onErase;

    /** @param onErase told each erased alert id (drops the alert and its images from the API's index) */
    public ReviewState(Consumer<String> onErase) {
        this.onErase = onErase;
    }

    public Optional<Review> review(String alertId) {
        return Optional.ofNullable(reviews.get(alertId));
    }

    public boolean erased(String alertId) {
        return erased.contains(alertId);
    }

    /** A review record, or a tombstone (null). Reviews of erased alerts are ignored. */
    public void applyReview(String alertId, Review r) {
        if (r == null || erased.contains(alertId)) {
            reviews.remove(alertId);
        } else {
            reviews.put(alertId, r);
        }
    }

    public void applyErasure(String alertId) {
        erased.add(alertId);
        reviews.remove(alertId);
        onErase.accept(alertId);
    }

    public int reviewCount() {
        return reviews.size();
    }

    public int erasedCount() {
        return erased.size();
    }
}
