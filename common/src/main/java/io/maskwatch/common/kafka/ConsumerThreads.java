package io.maskwatch.common.kafka;

import org.apache.kafka.clients.consumer.Consumer;

/** Stopping a thread that owns a consumer: the one shutdown every topic reader of the services shares. */
public final class ConsumerThreads {
    private static final long JOIN_MS = 10_000;

    private ConsumerThreads() {
    }

    /**
     * Wakes the consumer out of a blocking poll (the only consumer call safe from another thread) and
     * waits up to 10 s for its thread to end. The caller clears its own running flag first, so the
     * woken loop exits instead of polling again.
     *
     * @param consumer the thread's consumer, or null when it has not been created yet
     */
    public static void wakeAndJoin(Consumer<?, ?> consumer, Thread thread) {
        if (consumer != null) {
            consumer.wakeup();
        }
        try {
            thread.join(JOIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
