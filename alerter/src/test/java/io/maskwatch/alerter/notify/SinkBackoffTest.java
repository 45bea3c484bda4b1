package io.maskwatch.alerter.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SinkBackoffTest {
    @Test
    void retryDelaysAreJitteredWithinHalfToFullOfTheExponentialDelay() {
        SinkConfig c = SinkConfig.http("webhook", "ops", "http://example.invalid/").withRetries(5, 400, 1_600);
        assertEquals(400, c.backoffMs(1));
        assertEquals(1_600, c.backoffMs(4), "capped");
        SplittableRandom rnd = new SplittableRandom(7);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            long d = c.backoffMs(2, rnd);
            assertTrue(d >= 400 && d <= 800, "retry 2: " + d);
            seen.add(d);
        }
        assertTrue(seen.size() > 100, "spread out, not one fixed delay: " + seen.size() + " distinct values");
    }
}
