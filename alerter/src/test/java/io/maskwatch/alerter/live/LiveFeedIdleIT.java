package io.maskwatch.alerter.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.alerter.bench.SyntheticCameras;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.contract.SchemaVersions;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.common.serde.EventSerdes;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The live feed on a real broker reads frames only while someone watches: idle it fetches no frame
 * record (yet follows detections), an alert raised while idle still gets its frame (read back from
 * the frames topic by capture time), a viewer makes tiles appear, and frames stop once they leave.
 */
class LiveFeedIdleIT {
    private static final long WATCH_MS = 1_500;

    @Test
    void framesAreReadOnlyWhileSomeoneWatchesAndAlertFramesAreReadBack() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(),
                    KafkaSettings.TopicNames.defaults(), 2, (short) 1, true);
            TopicSetup.ensureTopics(kafka);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            LiveFrames live = new LiveFrames(List.of("gate", "hall", "yard"), 10, Clock.systemUTC(), WATCH_MS);
            SyntheticCameras synth = new SyntheticCameras(List.of(new SyntheticCameras.Camera("gate", FaceLabel.NO_MASK),
                    new SyntheticCameras.Camera("hall", FaceLabel.NO_MASK),
                    new SyntheticCameras.Camera("yard", FaceLabel.MASK)), false);
            try (LiveFeed feed = new LiveFeed(kafka, live, Clock.systemUTC(), "idle-it-live", registry);
                 KafkaProducer<String, byte[]> p = new KafkaProducer<>(ClientConfigs.producer(kafka, "idle-it"))) {
                feed.start();
                await("the feed to start on the topics' end", () -> feed.assigned());
                // Nobody watches: cameras send frames and detections; only the detections are read.
                long t0 = System.currentTimeMillis();
                for (int i = 0; i < 8; i++) {
                    synth.tick(p, kafka.topics().frames(), kafka.topics().detections(), t0 + i * 250L);
                }
                p.flush();
                long alertFrameMs = t0 + 5 * 250L;
                await("the idle feed to read the detections", () -> live.debug("gate").endsWith("newest detection " + (t0 + 7 * 250L)));
                assertFalse(feed.readingFrames());
                assertEquals(0.0, framesRead(registry), "no frame record fetched while nobody watches");
                assertNull(live.snapshot("gate"), "no frame held while nobody watches");

                // An alert while idle: its frame is read back from the frames topic.
                Alert alert = new Alert(SchemaVersions.ALERT, "gate-" + alertFrameMs + "-0-1", "gate", "gate-" + t0 + "-0",
                        alertFrameMs, PersonStatus.UNMASKED, 0.9, 6, new Box(500, 200, 620, 340), null, null);
                // Two people on one frame, and another camera's alert at the same time: all found in one scan.
                Alert second = new Alert(SchemaVersions.ALERT, "gate-" + alertFrameMs + "-1-1", "gate", "gate-" + t0 + "-1",
                        alertFrameMs, PersonStatus.UNMASKED, 0.9, 6, new Box(100, 200, 220, 340), null, null);
                Alert hall = new Alert(SchemaVersions.ALERT, "hall-" + alertFrameMs + "-0-1", "hall", "hall-" + t0 + "-0",
                        alertFrameMs - 250, PersonStatus.UNMASKED, 0.9, 6, new Box(500, 200, 620, 340), null, null);
                for (Alert x : List.of(alert, second, hall)) {
                    p.send(new ProducerRecord<>(kafka.topics().alerts(), x.cameraId(),
                            EventSerdes.alerts().serialize(kafka.topics().alerts(), x)));
                }
                p.flush();
                for (Alert x : List.of(alert, second, hall)) {
                    await("the idle alert's frame " + x.alertId(), () -> live.alert(x.alertId())
                            .map(LiveFrames.AlertContext::frame).isPresent());
                    assertEquals(x.timestampMs(), live.alert(x.alertId()).orElseThrow().frame().frame().captureMs());
                    assertEquals(x.cameraId(), live.alert(x.alertId()).orElseThrow().frame().frame().cameraId());
                }
                LiveFrames.Joined frame = live.alert(alert.alertId()).orElseThrow().frame();
                assertEquals(alertFrameMs, frame.frame().captureMs(), "the frame of the alert's capture time");
                assertEquals("gate", frame.frame().cameraId());
                assertEquals(alertFrameMs, frame.detection().captureTimestampMs(), "joined with its detection");
                assertNotNull(frame.annotated(live.annotator()));
                assertEquals(3.0, registry.get("maskwatch.alerter.live.alert.frames").tag("result", "found").counter().count());
                assertEquals(0.0, registry.get("maskwatch.alerter.live.alert.frames").tag("result", "missing").counter().count());
                assertEquals(0.0, framesRead(registry), "the alert's frame came without the live feed reading frames");

                // A viewer comes: frames from a little back are read and every camera's tile appears.
                live.touch();
                await("the feed to read frames for the viewer", feed::readingFrames);
                long t1 = System.currentTimeMillis();
                for (int i = 0; i < 4; i++) {
                    live.touch();
                    synth.tick(p, kafka.topics().frames(), kafka.topics().detections(), t1 + i * 250L);
                    p.flush();
                }
                await("tiles for every camera", () -> {
                    live.touch();
                    return live.snapshot("gate", true) != null && live.snapshot("hall", true) != null
                            && live.snapshot("yard", true) != null;
                });
                assertTrue(framesRead(registry) > 0);

                // The viewer leaves: once the watch time has passed, frames are paused again.
                await("frames paused after the viewer left", () -> !feed.readingFrames());
                double readBefore = framesRead(registry);
                long t2 = System.currentTimeMillis();
                for (int i = 0; i < 4; i++) {
                    synth.tick(p, kafka.topics().frames(), kafka.topics().detections(), t2 + i * 250L);
                }
                p.flush();
                await("the detections after the viewer left", () -> live.debug("gate").endsWith("newest detection " + (t2 + 3 * 250L)));
                assertEquals(readBefore, framesRead(registry), "no frame fetched after the viewer left");
            }
        }
    }

    private static double framesRead(SimpleMeterRegistry registry) {
        return registry.get("maskwatch.alerter.live.frames.read").counter().count();
    }

    private static void await(String what, Callable<Boolean> cond) throws Exception {
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            if (cond.call()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
