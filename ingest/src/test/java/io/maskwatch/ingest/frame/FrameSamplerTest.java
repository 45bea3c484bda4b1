package io.maskwatch.ingest.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameSamplerTest {
    private static final long MS = 1_000_000L;

    private static int accepted(FrameSampler s, double sourceFps, double seconds, long jitterMs) {
        int n = 0;
        long step = Math.round(1000 / sourceFps);
        java.util.Random r = new java.util.Random(3);
        for (long t = 0; t < seconds * 1000; t += step) {
            long jitter = jitterMs == 0 ? 0 : r.nextLong(jitterMs);
            if (s.accept((t + jitter) * MS)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void twentyFiveFpsSampledAtTwoSendsTwoPerSecond() {
        assertEquals(20, accepted(new FrameSampler(2), 25, 10, 0));
    }

    @Test
    void rateHoldsWithArrivalJitter() {
        int n = accepted(new FrameSampler(5), 30, 20, 15);
        assertTrue(n >= 98 && n <= 101, "got " + n);
    }

    @Test
    void slowerSourceThanTargetPassesEveryFrame() {
        assertEquals(50, accepted(new FrameSampler(15), 10, 5, 0));
    }

    @Test
    void aGapDoesNotCauseABurst() {
        FrameSampler s = new FrameSampler(2);
        assertTrue(s.accept(0));
        assertTrue(s.accept(10_000 * MS)); // 10 s stall
        assertEquals(false, s.accept(10_040 * MS));
        assertEquals(false, s.accept(10_400 * MS));
        assertTrue(s.accept(10_500 * MS));
    }

    @Test
    void clockGoingBackRestarts() {
        FrameSampler s = new FrameSampler(1);
        assertTrue(s.accept(5_000 * MS));
        assertEquals(false, s.accept(5_500 * MS));
        assertTrue(s.accept(0), "a looped file starts again at 0");
    }
}
