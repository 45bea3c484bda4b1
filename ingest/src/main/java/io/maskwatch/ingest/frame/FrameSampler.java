package io.maskwatch.ingest.frame;

/**
 * Picks frames to send so a camera delivers its configured rate: a 25 fps stream sampled at 2 fps
 * sends every 12th or 13th frame, 2 per second on average. Times are nanoseconds on one clock:
 * arrival time for live streams (their timestamps cannot be trusted: MJPEG has none), media time
 * for files (so a file read faster than real time is still sampled by its own timeline).
 */
public final class FrameSampler {
    private final long intervalNanos;
    private long next = Long.MIN_VALUE;
    private long last = Long.MIN_VALUE;

    public FrameSampler(double fps) {
        if (!(fps > 0)) {
            throw new IllegalArgumentException("fps must be > 0, got " + fps);
        }
        this.intervalNanos = Math.max(1, Math.round(1e9 / fps));
    }

    /** @return true when the frame at time {@code t} should be sent */
    public boolean accept(long t) {
        if (next == Long.MIN_VALUE || t < last) {
            // first frame, or the clock went back (file looped, stream restarted): start over
            next = t;
        }
        last = t;
        if (t < next) {
            return false;
        }
        // Keep the long-run rate exact, but do not try to catch up after a gap (stall, slow source).
        next = t - next >= intervalNanos ? t + intervalNanos : next + intervalNanos;
        return true;
    }

    /** Whether a frame at time {@code t} would be sent; changes nothing (to skip preparing frames that will not be). */
    public boolean wouldAccept(long t) {
        return next == Long.MIN_VALUE || t < last || t >= next;
    }

    public void reset() {
        next = Long.MIN_VALUE;
        last = Long.MIN_VALUE;
    }

    public long intervalNanos() {
        return intervalNanos;
    }
}
