package io.maskwatch.detector.service;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How the detector retries a batch whose sends failed: up to {@code maxAttempts} in all, waiting an
 * exponentially growing, jittered delay in between (replicas that failed together must not retry
 * in lock-step); after the last attempt the frames go to the DLQ with the reason.
 */
public record SendRetry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public static final SendRetry DEFAULT = new SendRetry(5, Duration.ofSeconds(1), Duration.ofSeconds(30));

    public SendRetry {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("send attempts must be >= 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff must be 0 <= initial <= max, got " + initialBackoff + " / " + maxBackoff);
        }
    }

    /** Delay after failed attempt {@code attempt} (1-based): uniformly in [d/2, d], d = initial * 2^(attempt-1) capped. */
    public long delayMs(int attempt, RandomGenerator random) {
        double d = Math.min(initialBackoff.toMillis() * Math.pow(2, Math.max(0, attempt - 1)), maxBackoff.toMillis());
        long half = (long) (d / 2);
        return half + (d > half ? random.nextLong((long) d - half + 1) : 0);
    }
}
