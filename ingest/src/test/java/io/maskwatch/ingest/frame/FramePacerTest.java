package io.maskwatch.ingest.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FramePacerTest {
    private static final long MS = 1_000_000L;

    static final class FakeClock implements FramePacer.Clock {
        long now;
        final List<Long> sleeps = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            sleeps.add(nanos);
            now += nanos;
        }
    }

    @Test
    void waitsForEachFramesMediaTime() throws Exception {
        FakeClock clock = new FakeClock();
        FramePacer pacer = new FramePacer(clock);
        pacer.await(0);
        clock.now += 10 * MS; // decoding took 10 ms
        pacer.await(40 * MS);
        assertEquals(List.of(30 * MS), clock.sleeps);
        clock.now += 5 * MS;
        pacer.await(80 * MS);
        assertEquals(35 * MS, clock.sleeps.get(1));
    }

    @Test
    void fallingBehindReanchorsInsteadOfBursting() throws Exception {
        FakeClock clock = new FakeClock();
        FramePacer pacer = new FramePacer(clock);
        pacer.await(0);
        clock.now += 3000 * MS; // the machine stalled for 3 s
        pacer.await(40 * MS);
        clock.now += 1 * MS;
        pacer.await(80 * MS);
        assertEquals(List.of(39 * MS), clock.sleeps, "paces from the new anchor");
    }

    @Test
    void timestampJumpsAreNotWaitedFor() throws Exception {
        FakeClock clock = new FakeClock();
        FramePacer pacer = new FramePacer(clock);
        pacer.await(0);
        pacer.await(60_000 * MS);
        assertEquals(List.of(), clock.sleeps);
    }
}
