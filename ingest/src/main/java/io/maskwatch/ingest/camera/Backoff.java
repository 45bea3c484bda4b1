package io.maskwatch.ingest.camera;

import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with jitter for reconnecting cameras: the n-th wait is drawn from
 * [d/2, d] with d = min(max, initial * 2^n). Jitter keeps a site's cameras from reconnecting in
 * lock-step after a shared outage (a switch reboot); the lower half-bound keeps waits meaningful.
 */
public final class Backoff {
    private final long initialMs;
    private final long maxMs;
    private final DoubleSupplier random;
    private int failures;

    public Backoff(long initialMs, long maxMs, DoubleSupplier random) {
        if (initialMs < 1 || maxMs < initialMs) {
            throw new IllegalArgumentException("need 1 <= initial <= max, got " + initialMs + ", " + maxMs);
        }
        this.initialMs = initialMs;
        this.maxMs = maxMs;
        this.random = random;
    }

    /** The wait before the next attempt; each call doubles the next ceiling up to the cap. */
    public long nextDelayMs() {
        long ceiling = ceilingMs(failures);
        failures = Math.min(failures + 1, 62);
        long half = ceiling / 2;
        return half + (long) (random.getAsDouble() * (ceiling - half));
    }

    /** Called once the camera delivers frames again. */
    public void reset() {
        failures = 0;
    }

    public int failures() {
        return failures;
    }

    long ceilingMs(int n) {
        if (n >= 62 || initialMs > (maxMs >> Math.min(n, 62))) {
            return maxMs;
        }
        return Math.min(maxMs, initialMs << n);
    }
}
