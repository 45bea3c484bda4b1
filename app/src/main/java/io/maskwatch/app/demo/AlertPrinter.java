package io.maskwatch.app.demo;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.serde.EventSerdes;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/** Shows alerts in the terminal as they happen (the demo's "live" view besides the web page). */
final class AlertPrinter implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final String urlBase;
    private final Thread thread;
    private final Set<String> seen = new HashSet<>();
    private volatile boolean running = true;

    AlertPrinter(KafkaSettings kafka, String urlBase) {
        this.consumer = TopicReader.groupless(kafka);
        this.topic = kafka.topics().alerts();
        this.urlBase = urlBase;
        this.thread = new Thread(this::loop, "demo-alert-printer");
        thread.setDaemon(true);
    }

    void start() {
        List<TopicPartition> parts = TopicReader.partitions(consumer, topic);
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        thread.start();
    }

    private void loop() {
        try {
            while (running) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        Alert a = EventSerdes.alerts().deserialize(r.topic(), r.value());
                        if (seen.add(a.alertId())) {
                            String id = URLEncoder.encode(a.alertId(), StandardCharsets.UTF_8);
                            String what = a.status() == PersonStatus.INCORRECT ? "person with mask below nose"
                                    : "person without a mask";
                            System.out.printf("ALERT %s  %s: %s (confidence %.2f, %d frames)  face: %s%n",
                                    TIME.format(Instant.ofEpochMilli(a.timestampMs())), a.cameraId(), what, a.confidence(),
                                    a.frameCount(), urlBase + "/api/alerts/" + id + "/face.jpg");
                        }
                    } catch (RuntimeException e) {
                        System.out.println("(an alert could not be decoded: " + e.getMessage() + ")");
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}
