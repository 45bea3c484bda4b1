package io.maskwatch.alerter.tracking;

import io.maskwatch.alerter.AlerterMetrics;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.PersonEvent;
import io.maskwatch.common.contract.SchemaVersions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Persons} (the {@link Tracker} and the alert policy) per camera over the {@code tracks}
 * store, and ends the tracks of quiet cameras from a wall-clock punctuator. Forwards person events, alerts and compliance deltas.
 */
public final class TrackingProcessor implements Processor<String, DetectionEvent, String, TrackingOutput> {
    private static final Logger log = LoggerFactory.getLogger(TrackingProcessor.class);
    private final Persons persons;
    private final String storeName;
    private final String imagesStoreName;
    private final long idleCheckMs;
    private final AlerterMetrics metrics;
    private final String topic;
    private final TrackListener listener;
    private ProcessorContext<String, TrackingOutput> context;
    private KeyValueStore<String, CameraState> store;
    private TrackImages images;
    private long taskStartWall;

    public TrackingProcessor(Persons persons, String storeName, String imagesStoreName, long idleCheckMs,
                             AlerterMetrics metrics, String topic) {
        this(persons, storeName, imagesStoreName, idleCheckMs, metrics, topic, TrackListener.NONE);
    }

    /** @param listener told which track each face joined (the live view's track ids) */
    public TrackingProcessor(Persons persons, String storeName, String imagesStoreName, long idleCheckMs,
                             AlerterMetrics metrics, String topic, TrackListener listener) {
        this.listener = listener;
        this.topic = topic;
        this.imagesStoreName = imagesStoreName;
        this.persons = persons;
        this.storeName = storeName;
        this.idleCheckMs = idleCheckMs;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, TrackingOutput> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        KeyValueStore<String, TrackImages.Images> imageStore = context.getStateStore(imagesStoreName);
        this.images = new TrackImages() {
            @Override
            public Images get(String trackId) {
                return imageStore.get(trackId);
            }

            @Override
            public void put(String trackId, Images img) {
                imageStore.put(trackId, img);
            }

            @Override
            public void remove(String trackId) {
                imageStore.delete(trackId);
            }
        };
        this.taskStartWall = context.currentSystemTimeMs();
        context.schedule(Duration.ofMillis(idleCheckMs), PunctuationType.WALL_CLOCK_TIME, this::endQuietCameras);
    }

    @Override
    public void process(Record<String, DetectionEvent> record) {
        DetectionEvent ev = record.value();
        if (ev == null) {
            return; // a tombstone carries nothing to track
        }
        String camera = ev.cameraId();
        if (ev.schemaVersion() > SchemaVersions.DETECTION) {
            // A newer producer: skipping is safer than guessing what changed.
            metrics.decodeError(topic);
            log.warn("skipping detection of camera {} with schema version {} (this alerter understands up to {}); "
                    + "upgrade the alerter", camera, ev.schemaVersion(), SchemaVersions.DETECTION);
            return;
        }
        if (record.key() != null && !record.key().equals(camera)) {
            // Keyed by something else, a camera's detections may be split across partitions and tracks.
            metrics.detection(camera, "key_mismatch");
        }
        long wallNow = context.currentSystemTimeMs();
        Persons.Step step = persons.onDetection(store.get(camera), ev, wallNow, images);
        if (step.drop() != null) {
            metrics.detection(camera, step.drop().name().toLowerCase());
            return;
        }
        metrics.detection(camera, "processed");
        store.put(camera, step.state());
        emit(camera, step, wallNow);
        tell(camera, ev.captureTimestampMs(), step.observations());
    }

    private void tell(String camera, long captureMs, List<Tracker.Observation> observations) {
        try {
            listener.tracked(camera, captureMs, observations.stream()
                    .map(o -> new TrackListener.TrackedFace(o.face().box(), o.trackId())).toList());
        } catch (RuntimeException e) {
            // The live view is a convenience: it never stops tracking.
            log.warn("track listener failed for camera {}: {}", camera, e.toString());
        }
    }

    private void endQuietCameras(long wallNow) {
        List<KeyValue<String, Persons.Step>> ended = new ArrayList<>();
        try (KeyValueIterator<String, CameraState> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, CameraState> kv = it.next();
                Persons.Step step = persons.onIdle(kv.value, wallNow, taskStartWall, images);
                if (step.endedTracks() > 0) {
                    ended.add(KeyValue.pair(kv.key, step));
                }
            }
        }
        for (KeyValue<String, Persons.Step> kv : ended) {
            store.put(kv.key, kv.value.state());
            emit(kv.key, kv.value, wallNow);
        }
    }

    private void emit(String camera, Persons.Step step, long wallNow) {
        for (TrackingOutput o : step.outputs()) {
            if (o instanceof TrackingOutput.AlertRaised a) {
                metrics.alert(camera, a.alert().status(), wallNow - a.alert().timestampMs());
            } else if (o instanceof TrackingOutput.Person p && p.event().type() == PersonEvent.Type.ENDED
                    && persons.countsAsPerson(p.event())) {
                metrics.personCounted(camera, p.event().status());
            }
            context.forward(new Record<>(camera, o, o.timestampMs()));
        }
        metrics.activeTracks(camera, step.state().tracks().size());
    }
}
