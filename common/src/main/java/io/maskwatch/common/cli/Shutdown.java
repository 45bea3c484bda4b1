package io.maskwatch.common.cli;

import java.util.concurrent.CountDownLatch;

/** Blocks a service's main thread until Ctrl-C / SIGTERM, then runs its close action once. */
public final class Shutdown {
    private Shutdown() {
    }

    public static void awaitSignal(AutoCloseable service) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                System.err.println("error during shutdown: " + e);
            } finally {
                done.countDown();
            }
        }, "maskwatch-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        done.await();
    }
}
