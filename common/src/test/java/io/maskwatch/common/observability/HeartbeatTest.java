package io.maskwatch.common.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.observability.HealthCheck.Heartbeat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HeartbeatTest {
    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        volatile long ms = 1_000_000;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(ms);
        }
    }

    @Test
    void aLoopThatStopsComingRoundIsDeadAfterTheTimeoutAndAliveAgainWhenItBeats() {
        ManualClock clock = new ManualClock();
        Heartbeat hb = new Heartbeat("consumer loop", Duration.ofSeconds(30), clock);
        HealthCheck live = hb.liveness();
        assertNull(live.problem());
        clock.ms += 30_000;
        assertNull(live.problem(), "exactly at the limit is still alive");
        clock.ms += 1_000;
        assertEquals("consumer loop made no progress for 31 s (limit 30 s)", live.problem());
        hb.beat();
        assertNull(live.problem());
    }

    @Test
    void aStoppedLoopIsDeadWhateverTheClockSays() {
        Heartbeat hb = new Heartbeat("delivery loop", Duration.ofMinutes(5), new ManualClock());
        hb.stopped("KafkaException: fenced");
        assertEquals("delivery loop stopped: KafkaException: fenced", hb.liveness().problem());
    }

    @Test
    void theWatchdogReportsADeadLoopOnce() throws Exception {
        ManualClock clock = new ManualClock();
        Heartbeat hb = new Heartbeat("loop", Duration.ofSeconds(10), clock);
        BlockingQueue<String> reasons = new ArrayBlockingQueue<>(4);
        Thread watchdog = hb.watch(Duration.ofMillis(10), reasons::add);
        hb.stopped("boom");
        assertEquals("loop stopped: boom", reasons.poll(10, TimeUnit.SECONDS));
        watchdog.join(10_000);
        assertTrue(reasons.isEmpty());
    }

    @Test
    void aNonPositiveTimeoutIsRejectedWithTheReason() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Heartbeat("loop", Duration.ZERO, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("liveness timeout must be positive"), e.getMessage());
    }
}
