package io.maskwatch.ingest.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesUpToTheCapWithJitterInTheUpperHalf() {
        Random random = new Random(1);
        Backoff b = new Backoff(500, 30_000, random::nextDouble);
        long[] ceilings = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
        for (long ceiling : ceilings) {
            long d = b.nextDelayMs();
            assertTrue(d >= ceiling / 2 && d <= ceiling, "delay " + d + " for ceiling " + ceiling);
        }
    }

    @Test
    void extremesOfTheJitter() {
        assertEquals(250, new Backoff(500, 30_000, () -> 0.0).nextDelayMs());
        assertEquals(500, new Backoff(500, 30_000, () -> 1.0).nextDelayMs());
    }

    @Test
    void resetStartsOverAndManyFailuresNeverOverflow() {
        Backoff b = new Backoff(1000, 60_000, () -> 1.0);
        for (int i = 0; i < 200; i++) {
            assertTrue(b.nextDelayMs() <= 60_000);
        }
        assertEquals(60_000, b.nextDelayMs());
        b.reset();
        assertEquals(0, b.failures());
        assertEquals(1000, b.nextDelayMs());
    }

    @Test
    void jitterSpreadsCamerasThatFailedTogether() {
        Random random = new Random(7);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int camera = 0; camera < 50; camera++) {
            Backoff b = new Backoff(4000, 4000, random::nextDouble);
            long d = b.nextDelayMs();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertTrue(max - min > 1000, "spread " + min + ".." + max);
    }
}
