package io.maskwatch.common.kafka;

import java.util.Map;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A synchronous offset commit that never ends a consumer loop over a failure the group recovers
 * from. A commit lost to a rebalance or a timeout only means the records are delivered again
 * (at-least-once), and the next successful commit covers them; anything else (authorization,
 * a fenced instance) is rethrown because retrying cannot fix it.
 */
public final class OffsetCommits {
    private static final Logger log = LoggerFactory.getLogger(OffsetCommits.class);

    private OffsetCommits() {
    }

    /** @return true if committed, false if the records will be seen again (logged, not an error) */
    public static boolean commit(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets, int records) {
        try {
            consumer.commitSync(offsets);
            return true;
        } catch (CommitFailedException | RebalanceInProgressException e) {
            log.warn("commit of {} records failed during a rebalance ({}); the partitions' new owner processes them "
                    + "again", records, e.getClass().getSimpleName());
            return false;
        } catch (RetriableException e) {
            log.warn("commit of {} records failed ({}); they are processed again unless a later commit covers them",
                    records, e.toString());
            return false;
        }
    }
}
