package io.maskwatch.alerter.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.alerter.api.AlertIndex;
import io.maskwatch.common.contract.Alert;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Replicas read the alerts, reviews and erasures topics in no particular order: whichever comes
 * first, an erased alert ends up gone with its review.
 */
class ReviewStateTest {
    private final AlertIndex index = new AlertIndex(10);
    private final ReviewState state = new ReviewState(index::erase);
    private final Alert a = AlertReviewsIT.alert("cam", 1, 1_000_000);
    private final Review acked = Review.empty(a.alertId()).withAcknowledged(new Review.Acknowledged("admin", 5, "ok"));

    @Test
    void erasureBeforeTheAlertAndItsReviewKeepsBothOut() {
        state.applyErasure(a.alertId());
        index.add(a);
        state.applyReview(a.alertId(), acked);
        assertTrue(index.get(a.alertId()).isEmpty());
        assertTrue(state.review(a.alertId()).isEmpty());
        assertEquals(0, index.query(Set.of(), null, null, 10).size());
    }

    @Test
    void erasureAfterTheAlertAndItsReviewRemovesBoth() {
        index.add(a);
        state.applyReview(a.alertId(), acked);
        assertEquals("ok", state.review(a.alertId()).orElseThrow().acknowledged().note());
        state.applyErasure(a.alertId());
        assertTrue(index.get(a.alertId()).isEmpty());
        assertTrue(state.review(a.alertId()).isEmpty());
        index.add(a); // the alerts topic read again (restart, rebalance)
        assertTrue(index.get(a.alertId()).isEmpty());
    }

    @Test
    void aTombstoneRemovesAReviewAndJsonRoundTrips() {
        Review both = acked.withFalseAlarm(new Review.FalseAlarm("admin", 6, null, "mask"));
        byte[] json = ReviewJson.write(both);
        assertTrue(new String(json).contains("\"false_alarm\":{\"by\":\"admin\",\"at_ms\":6,\"label\":\"mask\"}"),
                new String(json));
        state.applyReview(a.alertId(), ReviewJson.read("t", json, Review.class));
        assertEquals(both, state.review(a.alertId()).orElseThrow());
        state.applyReview(a.alertId(), ReviewJson.read("t", null, Review.class));
        assertTrue(state.review(a.alertId()).isEmpty());
    }
}
