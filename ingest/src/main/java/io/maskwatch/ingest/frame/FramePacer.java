package io.maskwatch.ingest.frame;

/**
 * Plays a file at its native rate: waits until a frame's media time has elapsed on the wall clock
 * since the first frame. Falling more than a second behind (slow machine) re-anchors instead of
 * bursting to catch up; a forward jump of more than a second in the timestamps is not waited for.
 */
public final class FramePacer {
    private static final long MAX_LAG_NANOS = 1_000_000_000L;
    private final Clock clock;
    private long wallAnchor = Long.MIN_VALUE;
    private long mediaAnchor;

    /** Nanosecond clock and sleeper, replaceable in tests. */
    public interface Clock {
        long nanoTime();

        void sleepNanos(long nanos) throws InterruptedException;

        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleepNanos(long nanos) throws InterruptedException {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        };
    }

    public FramePacer(Clock clock) {
        this.clock = clock;
    }

    /** Blocks until the frame with media time {@code mediaNanos} is due. */
    public void await(long mediaNanos) throws InterruptedException {
        long now = clock.nanoTime();
        if (wallAnchor == Long.MIN_VALUE || mediaNanos < mediaAnchor) {
            wallAnchor = now;
            mediaAnchor = mediaNanos;
            return;
        }
        long due = wallAnchor + (mediaNanos - mediaAnchor);
        long wait = due - now;
        if (wait > MAX_LAG_NANOS) {
            // a jump in the file's timestamps: treat as a discontinuity rather than stall
            wallAnchor = now;
            mediaAnchor = mediaNanos;
        } else if (wait > 0) {
            clock.sleepNanos(wait);
        } else if (-wait > MAX_LAG_NANOS) {
            wallAnchor = now;
            mediaAnchor = mediaNanos;
        }
    }

    public void reset() {
        wallAnchor = Long.MIN_VALUE;
    }
}
