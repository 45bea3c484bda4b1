package io.maskwatch.alerter;

import io.maskwatch.alerter.alert.AlertPolicy;
import io.maskwatch.alerter.compliance.ComplianceAggregator;
import io.maskwatch.alerter.compliance.ComplianceCounts;
import io.maskwatch.alerter.compliance.ComplianceDelta;
import io.maskwatch.alerter.notify.NotificationGrouper;
import io.maskwatch.alerter.notify.PendingNotification;
import io.maskwatch.alerter.notify.SnapshotLinks;
import io.maskwatch.alerter.tracking.CameraState;
import io.maskwatch.alerter.tracking.Persons;
import io.maskwatch.alerter.tracking.TrackImages;
import io.maskwatch.alerter.tracking.Tracker;
import io.maskwatch.alerter.tracking.TrackingOutput;
import io.maskwatch.alerter.tracking.TrackListener;
import io.maskwatch.alerter.tracking.TrackingProcessor;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.AlertImages;
import io.maskwatch.common.contract.ComplianceWindow;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.Notification;
import io.maskwatch.common.contract.PersonEvent;
import io.maskwatch.common.serde.EventSerdes;
import io.maskwatch.common.serde.JsonSerde;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The alerter's Kafka Streams topology (diagram in docs/ALERTER.md):
 *
 * <pre>
 * detections ─► tracking [tracks, track-images] ─┬─► persons
 *                                  ├─► alerts ─┬─► alerts (no images)
 *                                  │           ├─► alert-images (key alert id)
 *                                  │           └─► notify-grouping [notify-pending] ─► notifications
 *                                  └─► deltas ─┬─► compliance-camera [compliance-windows] ─────────┬─► compliance
 *                                              └─► (re-key _facility, 1 partition) ─► compliance-facility [facility-windows] ┘
 * </pre>
 */
public final class AlerterTopology {
    public static final String TRACKS_STORE = "tracks";
    public static final String IMAGES_STORE = "track-images";
    public static final String NOTIFY_STORE = "notify-pending";
    public static final String CAMERA_WINDOWS_STORE = "compliance-windows";
    public static final String FACILITY_WINDOWS_STORE = "facility-windows";
    /** Face crops travel in alert images and the images changelog; allow them to be large. */
    static final int MAX_STATE_RECORD_BYTES = KafkaSettings.MAX_MESSAGE_BYTES / 2;

    private AlerterTopology() {
    }

    public static Topology build(AlerterConfig cfg, KafkaSettings.TopicNames topics, CameraNames names,
                                 SnapshotLinks links, AlerterMetrics metrics) {
        return build(cfg, topics, names, links, metrics, TrackListener.NONE);
    }

    /** @param trackListener told which track each face joined, for this replica's cameras (the live view's track ids) */
    public static Topology build(AlerterConfig cfg, KafkaSettings.TopicNames topics, CameraNames names,
                                 SnapshotLinks links, AlerterMetrics metrics, TrackListener trackListener) {
        // Serdes, declared once.
        Serde<String> keys = Serdes.String();
        JsonSerde<DetectionEvent> detectionSerde = EventSerdes.detections();
        JsonSerde<PersonEvent> personSerde = EventSerdes.persons();
        JsonSerde<Alert> alertSerde = EventSerdes.alerts();
        JsonSerde<ComplianceWindow> complianceSerde = EventSerdes.compliance();
        JsonSerde<Notification> notificationSerde = EventSerdes.notifications();
        JsonSerde<ComplianceDelta> deltaSerde = new JsonSerde<>(ComplianceDelta.class, ComplianceDelta.UPGRADE);
        Map<String, String> largeRecords = Map.of("max.message.bytes", String.valueOf(MAX_STATE_RECORD_BYTES));

        StreamsBuilder builder = new StreamsBuilder();
        StoreBuilder<KeyValueStore<String, CameraState>> tracks = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(TRACKS_STORE), keys, new JsonSerde<>(CameraState.class, CameraState.UPGRADE));
        StoreBuilder<KeyValueStore<String, TrackImages.Images>> images = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(IMAGES_STORE), keys, new JsonSerde<>(TrackImages.Images.class))
                .withLoggingEnabled(largeRecords);
        StoreBuilder<KeyValueStore<String, PendingNotification>> pending = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(NOTIFY_STORE), keys, new JsonSerde<>(PendingNotification.class, PendingNotification.UPGRADE));
        Duration retention = Duration.ofMillis(cfg.compliance().retentionMs());
        Duration window = Duration.ofMillis(cfg.compliance().windowMs());
        StoreBuilder<WindowStore<String, ComplianceCounts>> cameraWindows = Stores.windowStoreBuilder(
                Stores.persistentWindowStore(CAMERA_WINDOWS_STORE, retention, window, false),
                keys, new JsonSerde<>(ComplianceCounts.class, ComplianceCounts.UPGRADE));
        StoreBuilder<WindowStore<String, ComplianceCounts>> facilityWindows = Stores.windowStoreBuilder(
                Stores.persistentWindowStore(FACILITY_WINDOWS_STORE, retention, window, false),
                keys, new JsonSerde<>(ComplianceCounts.class, ComplianceCounts.UPGRADE));
        builder.addStateStore(tracks);
        builder.addStateStore(images);
        builder.addStateStore(pending);
        builder.addStateStore(cameraWindows);
        builder.addStateStore(facilityWindows);

        Persons people = new Persons(new Tracker(cfg.tracking()), AlertPolicy.of(cfg.tracking(), cfg.alerts()),
                cfg.compliance().windowMs());
        KStream<String, TrackingOutput> outputs = builder
                .stream(topics.detections(), Consumed.with(keys, detectionSerde).withName("detections-source"))
                .process(() -> new TrackingProcessor(people, TRACKS_STORE, IMAGES_STORE, cfg.tracking().idleCheckMs(),
                                metrics, topics.detections(), trackListener),
                        Named.as("tracking"), TRACKS_STORE, IMAGES_STORE);

        KStream<String, PersonEvent> persons = outputs
                .flatMapValues(o -> o instanceof TrackingOutput.Person p ? java.util.List.of(p.event())
                        : java.util.List.<PersonEvent>of(), Named.as("person-events"));
        KStream<String, Alert> alerts = outputs
                .flatMapValues(o -> o instanceof TrackingOutput.AlertRaised a ? java.util.List.of(a.alert())
                        : java.util.List.<Alert>of(), Named.as("alert-events"));
        KStream<String, ComplianceDelta> deltas = outputs
                .flatMapValues(o -> o instanceof TrackingOutput.Counts c ? java.util.List.of(c.delta())
                        : java.util.List.<ComplianceDelta>of(), Named.as("compliance-deltas"));

        persons.to(topics.persons(), Produced.with(keys, personSerde).withName("persons-sink"));
        // Images go apart, keyed by alert id in a compacted topic, so erasure can tombstone them (docs/PRIVACY.md).
        alerts.mapValues(Alert::withoutImages, Named.as("alert-records"))
                .to(topics.alerts(), Produced.with(keys, alertSerde).withName("alerts-sink"));
        alerts.flatMap((camera, a) -> a.hasImages() ? java.util.List.of(KeyValue.pair(a.alertId(), a.images()))
                        : java.util.List.<KeyValue<String, AlertImages>>of(), Named.as("alert-images"))
                .to(topics.alertImages(), Produced.with(keys, EventSerdes.alertImages()).withName("alert-images-sink"));

        alerts.process(() -> new NotificationGrouper(NOTIFY_STORE, cfg.notifications(), names, links,
                        cfg.tracking().idleCheckMs()), Named.as("notify-grouping"), NOTIFY_STORE)
                .to(topics.notifications(), Produced.with(keys, notificationSerde).withName("notifications-sink"));

        KStream<String, ComplianceWindow> cameraCompliance = deltas
                .process(() -> new ComplianceAggregator(CAMERA_WINDOWS_STORE, cfg.compliance(), metrics),
                        Named.as("compliance-camera"), CAMERA_WINDOWS_STORE);
        // Facility-wide counts need every camera in one place: one partition, keyed _facility.
        KStream<String, ComplianceWindow> facilityCompliance = deltas
                .selectKey((camera, d) -> ComplianceWindow.FACILITY, Named.as("facility-key"))
                .repartition(Repartitioned.<String, ComplianceDelta>as("facility-deltas")
                        .withKeySerde(keys).withValueSerde(deltaSerde).withNumberOfPartitions(1))
                .process(() -> new ComplianceAggregator(FACILITY_WINDOWS_STORE, cfg.compliance(), metrics),
                        Named.as("compliance-facility"), FACILITY_WINDOWS_STORE);
        cameraCompliance.merge(facilityCompliance, Named.as("compliance-all"))
                .to(topics.compliance(), Produced.with(keys, complianceSerde).withName("compliance-sink"));

        return builder.build();
    }
}
