package io.maskwatch.alerter.notify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.alerter.AlerterMetrics;
import io.maskwatch.common.config.KafkaSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** Delivery that dies is reported (readiness and the fatal handler); commit hiccups do not kill it. */
class DispatcherLivenessTest {
    private static final Map<TopicPartition, OffsetAndMetadata> OFFSETS =
            Map.of(new TopicPartition("maskwatch.notifications", 0), new OffsetAndMetadata(7));

    private static MockConsumer<String, byte[]> failingWith(RuntimeException e) {
        return new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name()) {
            @Override
            public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
                throw e;
            }
        };
    }

    @Test
    void commitFailuresTheGroupRecoversFromDoNotEndDelivery() {
        // MockConsumer stands in for a broker that cannot be made to fail a commit on demand.
        assertFalse(NotificationDispatcher.commit(failingWith(new RebalanceInProgressException("rebalancing")), OFFSETS));
        assertFalse(NotificationDispatcher.commit(failingWith(new TimeoutException("slow")), OFFSETS));
        assertThrows(GroupAuthorizationException.class,
                () -> NotificationDispatcher.commit(failingWith(new GroupAuthorizationException("denied")), OFFSETS));
    }

    @Test
    void aDeliveryLoopThatDiesCallsTheFatalHandlerAndFailsTheCheck() throws Exception {
        // A consumer that cannot even be created (an unknown security protocol) ends the loop at once.
        KafkaSettings kafka = new KafkaSettings("127.0.0.1:9", Map.of("security.protocol", "NOT_A_PROTOCOL"),
                KafkaSettings.TopicNames.defaults(), 1, (short) 1, false);
        BlockingQueue<String> fatal = new ArrayBlockingQueue<>(2);
        try (NotificationDispatcher d = new NotificationDispatcher(NotificationConfig.defaults(), kafka, "liveness-test",
                List.of(new LogSink(SinkConfig.log())), new AlerterMetrics(new SimpleMeterRegistry()), Clock.systemUTC())) {
            d.onFatal(fatal::add).start();
            String reason = fatal.poll(30, TimeUnit.SECONDS);
            assertNotNull(reason, "the fatal handler was not called for a dead delivery loop");
            assertTrue(reason.startsWith("notification delivery to log stopped:"), reason);
            assertNotNull(d.problem());
        }
        assertNull(fatal.poll(200, TimeUnit.MILLISECONDS), "called once");
    }
}
