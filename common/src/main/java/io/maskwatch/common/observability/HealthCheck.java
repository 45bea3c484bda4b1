package io.maskwatch.common.observability;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/** A named readiness condition, e.g. "kafka producer connected" or "model loaded". */
@FunctionalInterface
public interface HealthCheck {
    /** @return null when healthy, otherwise a short reason shown on /health/ready */
    String problem();

    /**
     * Progress of one worker loop (a consumer loop, a delivery loop), for liveness: the loop calls
     * {@link #beat()} every time round and {@link #stopped} when it ends for good. A loop that has
     * stopped, or has not come round for {@code maxSilence}, is not alive and the process should be
     * restarted: {@link #liveness()} says why, {@link #watch} acts on it.
     */
    final class Heartbeat {
        private final String name;
        private final Duration maxSilence;
        private final Clock clock;
        private volatile long lastBeatMs;
        private volatile String stopped;

        public Heartbeat(String name, Duration maxSilence, Clock clock) {
            if (maxSilence.isNegative() || maxSilence.isZero()) {
                throw new IllegalArgumentException(name + ": the liveness timeout must be positive, got " + maxSilence);
            }
            this.name = name;
            this.maxSilence = maxSilence;
            this.clock = clock;
            this.lastBeatMs = clock.millis();
        }

        public void beat() {
            lastBeatMs = clock.millis();
        }

        /** The loop ended and will not come back; {@code reason} is shown and logged. */
        public void stopped(String reason) {
            stopped = reason == null ? "stopped" : reason;
        }

        public String name() {
            return name;
        }

        /** Null while the loop runs and makes progress, otherwise why it is considered dead. */
        public HealthCheck liveness() {
            return () -> {
                String s = stopped;
                if (s != null) {
                    return name + " stopped: " + s;
                }
                long silentMs = clock.millis() - lastBeatMs;
                if (silentMs > maxSilence.toMillis()) {
                    return name + " made no progress for " + silentMs / 1000 + " s (limit " + maxSilence.toSeconds() + " s)";
                }
                return null;
            };
        }

        /**
         * Checks {@link #liveness()} every {@code every} on a daemon thread and calls {@code onDead}
         * once with the reason when it fails (typically: log and exit so the orchestrator restarts
         * the process). Interrupt the returned thread to stop watching.
         */
        public Thread watch(Duration every, Consumer<String> onDead) {
            HealthCheck live = liveness();
            Thread t = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        String p = live.problem();
                        if (p != null) {
                            onDead.accept(p);
                            return;
                        }
                        Thread.sleep(every.toMillis());
                    }
                } catch (InterruptedException e) {
                    // watching ends with the service
                }
            }, name + "-watchdog");
            t.setDaemon(true);
            t.start();
            return t;
        }
    }
}
