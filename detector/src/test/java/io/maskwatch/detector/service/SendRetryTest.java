package io.maskwatch.detector.service;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SendRetryTest {
    @Test
    void delaysGrowAreCappedAndJittered() {
        SendRetry r = new SendRetry(5, Duration.ofMillis(1000), Duration.ofMillis(4000));
        SplittableRandom rnd = new SplittableRandom(1);
        Set<Long> firsts = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            long d1 = r.delayMs(1, rnd);
            long d3 = r.delayMs(3, rnd);
            long d9 = r.delayMs(9, rnd);
            assertTrue(d1 >= 500 && d1 <= 1000, "attempt 1: " + d1);
            assertTrue(d3 >= 2000 && d3 <= 4000, "attempt 3: " + d3);
            assertTrue(d9 >= 2000 && d9 <= 4000, "capped: " + d9);
            firsts.add(d1);
        }
        assertTrue(firsts.size() > 50, "jittered, not a fixed delay: " + firsts.size() + " distinct values");
    }

    @Test
    void nonsenseIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SendRetry(0, Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new SendRetry(3, Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
