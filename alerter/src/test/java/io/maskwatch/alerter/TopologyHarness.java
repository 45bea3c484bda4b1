package io.maskwatch.alerter;

import io.maskwatch.alerter.notify.SnapshotLinks;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.AlertImages;
import io.maskwatch.common.contract.ComplianceWindow;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.Notification;
import io.maskwatch.common.contract.PersonEvent;
import io.maskwatch.common.serde.EventSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The topology in a TopologyTestDriver, wall clock starting at {@link Script#T0}. */
final class TopologyHarness implements AutoCloseable {
    static final KafkaSettings.TopicNames TOPICS = KafkaSettings.TopicNames.defaults();

    final AlerterConfig cfg;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AlerterMetrics metrics = new AlerterMetrics(registry);
    final TopologyTestDriver driver;
    final TestInputTopic<String, DetectionEvent> detections;
    final TestInputTopic<String, byte[]> rawDetections;
    final TestOutputTopic<String, PersonEvent> persons;
    final TestOutputTopic<String, Alert> alerts;
    final TestOutputTopic<String, ComplianceWindow> compliance;
    final TestOutputTopic<String, Notification> notifications;
    private final Path stateDir;

    final List<PersonEvent> personLog = new ArrayList<>();
    /** Alerts joined with their images, as the API sees them. */
    final List<Alert> alertLog = new ArrayList<>();
    /** Alerts as written to the alerts topic. */
    final List<Alert> alertRecords = new ArrayList<>();
    /** Records of the alert-images topic by key (alert id). */
    final Map<String, AlertImages> imageRecords = new java.util.LinkedHashMap<>();
    final TestOutputTopic<String, AlertImages> alertImages;
    final List<ComplianceWindow> complianceLog = new ArrayList<>();
    final List<Notification> notificationLog = new ArrayList<>();

    private final RocksDbMemory rocksDbMemory;

    TopologyHarness(AlerterConfig cfg) throws Exception {
        this.stateDir = Files.createTempDirectory("alerter-ttd-");
        this.cfg = cfg.withStateDir(stateDir.toString());
        KafkaSettings kafka = KafkaSettings.defaults().withBootstrapServers("localhost:9");
        Properties props = StreamsSettings.of(this.cfg, kafka, metrics);
        rocksDbMemory = (RocksDbMemory) props.get(RocksDbMemory.CONFIG);
        SnapshotLinks links = new SnapshotLinks(() -> "http://alerter.test", this.cfg.apiToken());
        CameraNames names = CameraNames.of(Map.of("entrance-a", "Entrance A"));
        driver = new TopologyTestDriver(AlerterTopology.build(this.cfg, TOPICS, names, links, metrics), props,
                Instant.ofEpochMilli(Script.T0));
        detections = driver.createInputTopic(TOPICS.detections(), new StringSerializer(), EventSerdes.detections());
        rawDetections = driver.createInputTopic(TOPICS.detections(), new StringSerializer(), new ByteArraySerializer());
        StringDeserializer k = new StringDeserializer();
        persons = driver.createOutputTopic(TOPICS.persons(), k, EventSerdes.persons());
        alerts = driver.createOutputTopic(TOPICS.alerts(), k, EventSerdes.alerts());
        alertImages = driver.createOutputTopic(TOPICS.alertImages(), k, EventSerdes.alertImages());
        compliance = driver.createOutputTopic(TOPICS.compliance(), k, EventSerdes.compliance());
        notifications = driver.createOutputTopic(TOPICS.notifications(), k, EventSerdes.notifications());
    }

    static AlerterConfig config() {
        return AlerterConfig.defaults();
    }

    /** Pipes detections in order, with the wall clock following capture time. */
    TopologyHarness send(List<DetectionEvent> events) {
        for (DetectionEvent e : events) {
            send(e);
        }
        return this;
    }

    TopologyHarness send(DetectionEvent e) {
        detections.pipeInput(e.cameraId(), e, e.captureTimestampMs());
        drain();
        return this;
    }

    TopologyHarness advanceWallClock(long ms) {
        driver.advanceWallClockTime(Duration.ofMillis(ms));
        drain();
        return this;
    }

    void drain() {
        personLog.addAll(persons.readValuesToList());
        alertImages.readKeyValuesToList().forEach(kv -> imageRecords.put(kv.key, kv.value));
        for (Alert a : alerts.readValuesToList()) {
            alertRecords.add(a);
            alertLog.add(a.hasImages() ? a : a.withImages(imageRecords.get(a.alertId())));
        }
        complianceLog.addAll(compliance.readValuesToList());
        notificationLog.addAll(notifications.readValuesToList());
    }

    List<PersonEvent> persons(PersonEvent.Type type) {
        return personLog.stream().filter(p -> p.type() == type).toList();
    }

    /** Latest record per (key, window start), as a consumer of the compliance topic sees it. */
    ComplianceWindow latestWindow(String key, long windowStart) {
        ComplianceWindow last = null;
        for (ComplianceWindow w : complianceLog) {
            if (w.cameraId().equals(key) && w.windowStartMs() == windowStart) {
                last = w;
            }
        }
        return last;
    }

    double counter(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        driver.close();
        rocksDbMemory.close();
        EmbeddedDirs.delete(stateDir);
    }
}
