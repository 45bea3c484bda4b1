package io.maskwatch.ingest.testing;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.kafka.ClientConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** Reads the frames topic in the background and keeps every record, for assertions. */
public final class FrameCollector implements AutoCloseable {
    private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public FrameCollector(KafkaSettings kafka) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                ClientConfigs.consumer(kafka, "test-" + UUID.randomUUID(), "test-collector"));
        consumer.subscribe(List.of(kafka.topics().frames()));
        thread = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        synchronized (records) {
                            records.add(r);
                            records.notifyAll();
                        }
                    }
                }
            }
        }, "frame-collector");
        thread.setDaemon(true);
        thread.start();
    }

    public List<ConsumerRecord<String, byte[]>> records() {
        synchronized (records) {
            return new ArrayList<>(records);
        }
    }

    public List<ConsumerRecord<String, byte[]>> records(String camera) {
        return records().stream().filter(r -> camera.equals(r.key())).toList();
    }

    /** Waits until at least {@code n} records match; returns whether they did in time. */
    public boolean await(Predicate<ConsumerRecord<String, byte[]>> filter, int n, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (records) {
            while (records.stream().filter(filter).count() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                records.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    public boolean await(String camera, int n, Duration timeout) throws InterruptedException {
        return await(r -> camera.equals(r.key()), n, timeout);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
