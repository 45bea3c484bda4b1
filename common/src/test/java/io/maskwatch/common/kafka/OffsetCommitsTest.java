package io.maskwatch.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/**
 * Commit failures a consumer group recovers from must not end the detector's consume loop (they
 * used to: only CommitFailedException was caught). A broker cannot be made to fail a commit on
 * demand, so Kafka's own MockConsumer stands in for it and throws what the real client throws.
 */
class OffsetCommitsTest {
    private static final TopicPartition TP = new TopicPartition("maskwatch.frames", 0);
    private static final Map<TopicPartition, OffsetAndMetadata> OFFSETS = Map.of(TP, new OffsetAndMetadata(42));

    private static MockConsumer<String, byte[]> failingWith(RuntimeException e) {
        return new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name()) {
            @Override
            public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
                throw e;
            }
        };
    }

    @Test
    void rebalanceAndTimeoutAtCommitAreSurvivedAndReportedAsNotCommitted() {
        assertFalse(OffsetCommits.commit(failingWith(new RebalanceInProgressException("rebalancing")), OFFSETS, 3));
        assertFalse(OffsetCommits.commit(failingWith(new TimeoutException("commit timed out")), OFFSETS, 3));
        assertFalse(OffsetCommits.commit(failingWith(new CommitFailedException()), OFFSETS, 3));
    }

    @Test
    void aFatalErrorIsRethrownSoTheServiceStops() {
        var e = assertThrows(TopicAuthorizationException.class,
                () -> OffsetCommits.commit(failingWith(new TopicAuthorizationException("denied")), OFFSETS, 3));
        assertEquals("denied", e.getMessage());
    }

    @Test
    void aSuccessfulCommitIsReported() {
        MockConsumer<String, byte[]> c = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
        c.assign(java.util.List.of(TP));
        assertTrue(OffsetCommits.commit(c, OFFSETS, 3));
        assertEquals(42, c.committed(java.util.Set.of(TP)).get(TP).offset());
    }
}
