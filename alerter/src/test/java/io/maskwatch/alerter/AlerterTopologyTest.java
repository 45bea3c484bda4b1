package io.maskwatch.alerter;

import io.maskwatch.alerter.tracking.TrackingConfig;

import static io.maskwatch.alerter.Script.T0;
import static io.maskwatch.alerter.Script.face;
import static io.maskwatch.alerter.Script.frame;
import static io.maskwatch.alerter.Script.frames;
import static io.maskwatch.alerter.Script.incorrect;
import static io.maskwatch.alerter.Script.walk;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.alerter.alert.AlertConfig;
import io.maskwatch.alerter.notify.NotificationConfig;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.ComplianceWindow;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.Face;
import io.maskwatch.common.contract.Notification;
import io.maskwatch.common.contract.PersonEvent;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.contract.SchemaVersions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The topology with scripted detections (defaults: K=8, N=4, threshold 0.7, end after 3 s). */
class AlerterTopologyTest {
    private static final String CAM = "entrance-a";
    private static final long STEP = 250;

    private static AlerterConfig cfg() {
        return TopologyHarness.config();
    }

    /** Frames without faces from {@code from} for {@code ms}: the camera keeps streaming, nobody in view. */
    private static List<DetectionEvent> empty(String camera, long from, long ms) {
        return frames(camera, from, STEP, (int) (ms / STEP), ts -> List.of());
    }

    @Test
    void personWalkingThroughGivesOneTrackAndOneAlertWithTheBestFace() throws Exception {
        try (TopologyHarness h = new TopologyHarness(cfg())) {
            // Walks towards the camera: the face grows, so the last unmasked faces are the best snapshots.
            List<DetectionEvent> walk = new ArrayList<>();
            byte[] bestCrop = null;
            double bestScore = -1;
            for (int i = 0; i < 20; i++) {
                long ts = T0 + i * STEP;
                double size = 60 + i * 2;
                double p = i % 3 == 0 ? 0.8 : 0.93;
                byte[] crop = ("crop-" + i).getBytes(StandardCharsets.UTF_8);
                if (p * size * size > bestScore) {
                    bestScore = p * size * size;
                    bestCrop = crop;
                }
                walk.add(frame(CAM, ts, face(100 + i * 40, 300, size, p, crop)));
            }
            h.send(walk);
            assertEquals(1, imagesKept(h), "the best face of the live track is kept");
            h.send(empty(CAM, T0 + 20 * STEP, 4_000));
            assertEquals(0, imagesKept(h), "and dropped when the track ends");

            assertEquals(1, h.persons(PersonEvent.Type.STARTED).size());
            List<PersonEvent> confirmed = h.persons(PersonEvent.Type.CONFIRMED);
            assertEquals(1, confirmed.size());
            assertEquals(PersonStatus.UNMASKED, confirmed.get(0).status());
            assertEquals(4, confirmed.get(0).frameCount(), "confirmed as soon as N frames agree");
            List<PersonEvent> ended = h.persons(PersonEvent.Type.ENDED);
            assertEquals(1, ended.size());
            assertEquals(20, ended.get(0).frameCount());
            assertEquals(T0 + 19 * STEP, ended.get(0).lastSeenTimestampMs());

            assertEquals(1, h.alertLog.size(), () -> "alerts: " + h.alertLog);
            Alert a = h.alertLog.get(0);
            String track = CAM + "-" + T0 + "-0";
            assertEquals(track, a.trackId());
            assertEquals(track + "-1", a.alertId());
            assertEquals(T0 + 3 * STEP, a.timestampMs());
            assertTrue(a.confidence() >= 0.7, "confidence " + a.confidence());
            // The best face is looked for until the alert: by then the 4th frame (larger, 0.93) wins.
            assertArrayEquals("crop-2".getBytes(StandardCharsets.UTF_8), a.faceJpeg());
            assertArrayEquals(("heat:crop-2").getBytes(StandardCharsets.UTF_8), a.heatmapJpeg());
            // On the wire: the alert (schema 3) without images, the images keyed by alert id apart.
            assertEquals(3, h.alertRecords.get(0).schemaVersion());
            assertEquals(null, h.alertRecords.get(0).faceJpeg(), "no face in the alerts topic");
            assertEquals(null, h.alertRecords.get(0).heatmapJpeg(), "no heat map in the alerts topic");
            assertEquals(List.of(a.alertId()), List.copyOf(h.imageRecords.keySet()));
            assertNotNull(bestCrop);
            assertEquals(1.0, h.counter("maskwatch.alerter.alerts", "camera", CAM));
            assertEquals(1.0, h.counter("maskwatch.alerter.persons", "camera", CAM, "status", "unmasked"));

            ComplianceWindow w = h.latestWindow(CAM, T0);
            assertEquals(1, w.persons());
            assertEquals(1, w.unmasked());
            assertEquals(0.0, w.compliance());
            assertEquals(T0 + 60_000, w.windowEndMs());
        }
    }

    private static int imagesKept(TopologyHarness h) {
        int n = 0;
        try (var it = h.driver.getKeyValueStore(AlerterTopology.IMAGES_STORE).all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    @Test
    void flickerBetweenLabelsRaisesNoAlert() throws Exception {
        try (TopologyHarness h = new TopologyHarness(cfg())) {
            h.send(frames(CAM, T0, STEP, 40, ts -> List.of(face(600, 300, 80, ((ts - T0) / STEP) % 2 == 0 ? 0.9 : 0.1))))
                    .send(empty(CAM, T0 + 40 * STEP, 4_000));
            assertEquals(List.of(), h.alertLog);
            assertEquals(1, h.persons(PersonEvent.Type.STARTED).size());
            assertEquals(List.of(), h.persons(PersonEvent.Type.CONFIRMED));
            PersonEvent end = h.persons(PersonEvent.Type.ENDED).get(0);
            assertEquals(PersonStatus.UNCERTAIN, end.status());
            assertEquals(40, end.frameCount());
            ComplianceWindow w = h.latestWindow(CAM, T0);
            assertEquals(1, w.persons());
            assertEquals(1, w.uncertain());
            assertEquals(null, w.compliance(), "nobody decided: no ratio");
        }
    }

    @Test
    void flickerInsideAnUnmaskedRunDoesNotFlipTheStatus() throws Exception {
        try (TopologyHarness h = new TopologyHarness(cfg())) {
            // Unmasked with an occasional wrong "mask" frame: one person, one alert, never re-confirmed.
            h.send(frames(CAM, T0, STEP, 40, ts -> List.of(face(600, 300, 80, ((ts - T0) / STEP) % 5 == 4 ? 0.2 : 0.95))))
                    .send(empty(CAM, T0 + 40 * STEP, 4_000));
            assertEquals(1, h.alertLog.size());
            assertEquals(1, h.persons(PersonEvent.Type.CONFIRMED).size());
        }
    }

    @Test
    void twoPeopleCrossingKeepTheirOwnTracks() throws Exception {
        try (TopologyHarness h = new TopologyHarness(cfg())) {
            // A (masked) walks left to right, B (unmasked) right to left; their faces overlap mid-way.
            int n = 24;
            h.send(frames(CAM, T0, STEP, n, ts -> {
                double f = (double) (ts - T0) / (STEP * (n - 1));
                return List.of(face(200 + 800 * f, 300, 80, 0.05), face(1000 - 800 * f, 320, 80, 0.95));
            })).send(empty(CAM, T0 + n * STEP, 4_000));

            List<PersonEvent> started = h.persons(PersonEvent.Type.STARTED);
            assertEquals(2, started.size(), () -> "started: " + started);
            List<PersonEvent> ended = h.persons(PersonEvent.Type.ENDED);
            assertEquals(2, ended.size());
            for (PersonEvent e : ended) {
                assertEquals(n, e.frameCount(), "each track keeps its person through the crossing: " + e);
                assertNotEquals(PersonStatus.UNCERTAIN, e.status());
            }
            // Face order in the frame: A first (index 0), B second (index 1).
            assertEquals(PersonStatus.MASKED, ended.stream().filter(e -> e.trackId().endsWith("-0")).findFirst()
                    .orElseThrow().status());
            assertEquals(1, h.alertLog.size());
            assertEquals(CAM + "-" + T0 + "-1", h.alertLog.get(0).trackId());
            ComplianceWindow w = h.latestWindow(CAM, T0);
            assertEquals(2, w.persons());
            assertEquals(1, w.masked());
            assertEquals(1, w.unmasked());
            assertEquals(0.5, w.compliance());
        }
    }

    @Test
    void puttingAMaskOnStopsCountingAsUnmaskedAndStopsAlerts() throws Exception {
        AlerterConfig c = cfg().withAlerts(AlertConfig.defaults().withCooldownMs(2_000).withApi(100, 0));
        try (TopologyHarness h = new TopologyHarness(c)) {
            h.send(frames(CAM, T0, STEP, 10, ts -> List.of(face(600, 300, 80, 0.92))));
            assertEquals(1, h.alertLog.size());
            ComplianceWindow before = h.latestWindow(CAM, T0);
            assertEquals(1, before.unmasked());
            // The mask goes on and stays on, far longer than the cooldown.
            h.send(frames(CAM, T0 + 10 * STEP, STEP, 60, ts -> List.of(face(600, 300, 80, 0.06))))
                    .send(empty(CAM, T0 + 70 * STEP, 4_000));
            assertEquals(1, h.alertLog.size(), () -> "no further alerts: " + h.alertLog);
            List<PersonEvent> confirmed = h.persons(PersonEvent.Type.CONFIRMED);
            assertEquals(List.of(PersonStatus.UNMASKED, PersonStatus.MASKED),
                    confirmed.stream().map(PersonEvent::status).toList());
            ComplianceWindow after = h.latestWindow(CAM, T0);
            assertEquals(1, after.persons(), "still one person");
            assertEquals(1, after.masked());
            assertEquals(0, after.unmasked());
            assertEquals(1.0, after.compliance());
            assertEquals(PersonStatus.MASKED, h.persons(PersonEvent.Type.ENDED).get(0).status());
            assertEquals(1.0, h.counter("maskwatch.alerter.persons", "camera", CAM, "status", "masked"));
        }
    }

    @Test
    void longStayIsReAlertedOnlyAfterTheCooldown() throws Exception {
        AlerterConfig c = cfg().withAlerts(AlertConfig.defaults().withCooldownMs(20_000).withApi(100, 0));
        try (TopologyHarness h = new TopologyHarness(c)) {
            h.send(frames(CAM, T0, STEP, 200, ts -> List.of(face(600, 300, 80, 0.9)))); // 50 s in view
            List<Long> times = h.alertLog.stream().map(Alert::timestampMs).toList();
            String track = CAM + "-" + T0 + "-0";
            assertEquals(List.of(track + "-1", track + "-2", track + "-3"),
                    h.alertLog.stream().map(Alert::alertId).toList());
            assertEquals(List.of(T0 + 750, T0 + 20_750, T0 + 40_750), times);
        }
    }

    @Test
    void outOfOrderFramesJoinTheTrackAndLateOrRepeatedOnesAreDropped() throws Exception {
        try (TopologyHarness h = new TopologyHarness(cfg())) {
            List<DetectionEvent> w = walk(CAM, T0, STEP, 12, 100, 700, 300, 80, 0.9);
            List<DetectionEvent> shuffled = new ArrayList<>(w);
            shuffled.set(4, w.get(5));
            shuffled.set(5, w.get(4)); // swapped pair
            h.send(shuffled);
            h.send(w.get(7)); // repeated
            h.send(frame(CAM, T0 - 10_000, face(100, 300, 80, 0.9))); // far too late
            h.send(frame(CAM, T0 + 11 * STEP - 1_100, face(5000, 3000, 80, 0.9))); // out of order, nobody there: no new track
            h.send(empty(CAM, T0 + 12 * STEP, 4_000));

            assertEquals(1, h.persons(PersonEvent.Type.STARTED).size());
            PersonEvent end = h.persons(PersonEvent.Type.ENDED).get(0);
            assertEquals(12, end.frameCount(), "the swapped frames joined the track; repeated and late ones did not");
            assertEquals(T0 + 11 * STEP, end.lastSeenTimestampMs());
            assertEquals(1, h.alertLog.size());
            assertEquals(1.0, h.counter("maskwatch.alerter.detections", "camera", CAM, "result", "duplicate"));
            assertEquals(1.0, h.counter("maskwatch.alerter.detections", "camera", CAM, "result", "late"));
        }
    }

    @Test
    void quietCameraEndsItsTracksOnTheWallClock() throws Exception {
        try (TopologyHarness h = new TopologyHarness(cfg())) {
            h.send(frames(CAM, T0, STEP, 8, ts -> List.of(face(600, 300, 80, 0.9))));
            assertEquals(List.of(), h.persons(PersonEvent.Type.ENDED));
            h.advanceWallClock(1_000);
            assertEquals(List.of(), h.persons(PersonEvent.Type.ENDED), "not quiet long enough");
            h.advanceWallClock(9_000);
            assertEquals(List.of(), h.persons(PersonEvent.Type.ENDED),
                    "10 s of wall-clock silence is a stalled pipeline (broker failover), not the person leaving");
            h.advanceWallClock(TrackingConfig.defaults().idleEndMs() - 9_000);
            List<PersonEvent> ended = h.persons(PersonEvent.Type.ENDED);
            assertEquals(1, ended.size());
            assertEquals(T0 + 7 * STEP + 3_000, ended.get(0).eventTimestampMs());
            // The camera comes back: a new person, a new track and alert.
            h.send(frames(CAM, T0 + 20_000, STEP, 8, ts -> List.of(face(600, 300, 80, 0.9))));
            assertEquals(2, h.persons(PersonEvent.Type.STARTED).size());
            assertEquals(2, h.alertLog.size());
        }
    }

    @Test
    void complianceWindowsPerCameraAndFacility() throws Exception {
        try (TopologyHarness h = new TopologyHarness(cfg())) {
            // Minute 0 at the entrance: two masked, one unmasked; the lobby: one masked.
            h.send(walk(CAM, T0, STEP, 8, 100, 400, 200, 80, 0.1))
                    .send(walk(CAM, T0 + 10_000, STEP, 8, 100, 400, 200, 80, 0.05))
                    .send(walk(CAM, T0 + 20_000, STEP, 8, 100, 400, 200, 80, 0.9))
                    .send(walk("lobby", T0 + 5_000, STEP, 8, 900, 500, 400, 70, 0.1))
                    // Minute 1 at the entrance: one unmasked; a one-frame blip is not a person.
                    .send(walk(CAM, T0 + 65_000, STEP, 8, 100, 400, 200, 80, 0.95))
                    .send(frame(CAM, T0 + 75_000, face(900, 600, 40, 0.6)))
                    .send(empty(CAM, T0 + 76_000, 5_000))
                    .advanceWallClock(TrackingConfig.defaults().idleEndMs()); // the lobby went quiet: its track ends on the wall clock

            ComplianceWindow m0 = h.latestWindow(CAM, T0);
            assertEquals(List.of(3L, 2L, 1L, 0L), List.of(m0.persons(), m0.masked(), m0.unmasked(), m0.uncertain()));
            assertEquals(2.0 / 3, m0.compliance(), 1e-9);
            ComplianceWindow lobby = h.latestWindow("lobby", T0);
            assertEquals(1, lobby.masked());
            ComplianceWindow f0 = h.latestWindow(ComplianceWindow.FACILITY, T0);
            assertEquals(List.of(4L, 3L, 1L, 0L), List.of(f0.persons(), f0.masked(), f0.unmasked(), f0.uncertain()));
            assertEquals(0.75, f0.compliance(), 1e-9);
            ComplianceWindow m1 = h.latestWindow(CAM, T0 + 60_000);
            assertEquals(List.of(1L, 0L, 1L, 0L), List.of(m1.persons(), m1.masked(), m1.unmasked(), m1.uncertain()));
            ComplianceWindow f1 = h.latestWindow(ComplianceWindow.FACILITY, T0 + 60_000);
            assertEquals(1, f1.persons());
            assertEquals(0.0, f1.compliance());
            assertEquals(6, h.persons(PersonEvent.Type.ENDED).size(), "the blip still has a life on the persons topic");
        }
    }

    @Test
    void alertsAreGroupedPerCameraIntoRateLimitedNotifications() throws Exception {
        AlerterConfig c = cfg().withNotifications(new NotificationConfig(10_000, 60_000, 0, List.of()));
        try (TopologyHarness h = new TopologyHarness(c)) {
            // Three unmasked people at the entrance within a few seconds (the wall clock does not move here).
            h.send(walk(CAM, T0, STEP, 6, 100, 300, 200, 80, 0.9))
                    .send(walk(CAM, T0 + 1_000, STEP, 6, 1000, 800, 500, 80, 0.9))
                    .send(walk(CAM, T0 + 2_000, STEP, 6, 600, 600, 100, 60, 0.9));
            assertEquals(3, h.alertLog.size());
            assertEquals(List.of(), h.notificationLog, "the grouping window is still open");
            h.advanceWallClock(10_000);
            assertEquals(1, h.notificationLog.size());
            Notification n = h.notificationLog.get(0);
            assertEquals("3 people without a mask at Entrance A in the last 10 s", n.message());
            assertEquals(h.alertLog.stream().map(Alert::alertId).toList(), n.alertIds());
            assertEquals("n-" + h.alertLog.get(0).alertId(), n.notificationId());
            assertEquals("http://alerter.test/api/alerts/" + h.alertLog.get(0).alertId() + "/face.jpg", n.snapshotUrls().get(0));
            assertEquals("Entrance A", n.cameraName());

            // A fourth person 20 s later: rate-limited until 60 s after the first notification.
            h.send(walk(CAM, T0 + 20_000, STEP, 6, 100, 300, 200, 80, 0.9));
            assertEquals(4, h.alertLog.size());
            h.advanceWallClock(30_000);
            assertEquals(1, h.notificationLog.size());
            h.advanceWallClock(31_000);
            assertEquals(2, h.notificationLog.size());
            assertEquals("1 person without a mask at Entrance A in the last 10 s", h.notificationLog.get(1).message());
        }
    }

    @Test
    void malformedDetectionsAreCountedAndSkipped() throws Exception {
        try (TopologyHarness h = new TopologyHarness(cfg())) {
            h.rawDetections.pipeInput(CAM, "{not json".getBytes(StandardCharsets.UTF_8), T0);
            h.rawDetections.pipeInput(CAM, "{\"schema_version\":1}".getBytes(StandardCharsets.UTF_8), T0);
            h.send(frames(CAM, T0, STEP, 8, ts -> List.of(face(600, 300, 80, 0.9))));
            assertEquals(2.0, h.counter("maskwatch.alerter.decode.errors", "topic", "maskwatch.detections"));
            assertEquals(1, h.alertLog.size(), "processing continued after the bad records");
        }
    }

    @Test
    void newerSchemaVersionsAreSkippedAndCounted() throws Exception {
        try (TopologyHarness h = new TopologyHarness(cfg())) {
            for (DetectionEvent e : frames(CAM, T0, STEP, 8, ts -> List.of(face(600, 300, 80, 0.9)))) {
                h.send(new DetectionEvent(SchemaVersions.DETECTION + 1, e.cameraId(), e.frameSequence(), e.captureTimestampMs(),
                        e.processedTimestampMs(), e.frameWidth(), e.frameHeight(), e.detector(), e.model(), e.faces()));
            }
            assertEquals(List.of(), h.alertLog);
            assertEquals(8.0, h.counter("maskwatch.alerter.decode.errors", "topic", "maskwatch.detections"));
            // Keyed by something other than the camera: processed, but counted so the producer can be fixed.
            DetectionEvent e = frame(CAM, T0 + 10_000, face(600, 300, 80, 0.9));
            h.detections.pipeInput("wrong-key", e, e.captureTimestampMs());
            assertEquals(1.0, h.counter("maskwatch.alerter.detections", "camera", CAM, "result", "key_mismatch"));
            assertEquals(1.0, h.counter("maskwatch.alerter.detections", "camera", CAM, "result", "processed"));
        }
    }

    @Test
    void facesOfIncorrectlyWornMasksCountAsUnmasked() throws Exception {
        try (TopologyHarness h = new TopologyHarness(cfg())) {
            Face f = face(600, 300, 80, 0.1);
            Face incorrect = new Face(f.box(), 0.9, io.maskwatch.common.contract.FaceLabel.INCORRECT, 0.8,
                    java.util.Map.of("mask", 0.1, "no_mask", 0.1, "incorrect", 0.8), null, null);
            h.send(frames(CAM, T0, STEP, 6, ts -> List.of(incorrect)));
            assertEquals(1, h.alertLog.size());
            assertEquals(PersonStatus.INCORRECT, h.alertLog.get(0).status());
            assertEquals(null, h.alertLog.get(0).faceJpeg(), "no crop sent, none in the alert");
            assertTrue(h.imageRecords.isEmpty(), "no images, no alert-images record");
        }
    }

    // --- the third label: a mask below the nose ---

    @Test
    void personWithMaskBelowNoseIsAlertedAsIncorrectAndCountedNonCompliant() throws Exception {
        AlerterConfig c = cfg().withNotifications(new NotificationConfig(1_000, 1_000, 0, List.of()));
        try (TopologyHarness h = new TopologyHarness(c)) {
            h.send(frames(CAM, T0, STEP, 12, ts -> List.of(incorrect(600, 300, 80, 0.85))))
                    .send(empty(CAM, T0 + 12 * STEP, 4_000))
                    .advanceWallClock(5_000);

            List<PersonEvent> confirmed = h.persons(PersonEvent.Type.CONFIRMED);
            assertEquals(List.of(PersonStatus.INCORRECT), confirmed.stream().map(PersonEvent::status).toList());
            assertEquals(1, h.alertLog.size(), () -> "alerts: " + h.alertLog);
            Alert a = h.alertLog.get(0);
            assertEquals(PersonStatus.INCORRECT, a.status(), "shown as its own status");
            assertEquals(T0 + 3 * STEP, a.timestampMs(), "as fast as an unmasked person");
            assertTrue(a.confidence() >= 0.7, "confidence " + a.confidence());
            assertEquals(1.0, h.counter("maskwatch.alerter.alerts", "camera", CAM, "status", "incorrect"));
            assertEquals(1.0, h.counter("maskwatch.alerter.persons", "camera", CAM, "status", "incorrect"));

            ComplianceWindow w = h.latestWindow(CAM, T0);
            assertEquals(1, w.persons());
            assertEquals(1, w.incorrect());
            assertEquals(0, w.unmasked());
            assertEquals(0.0, w.compliance(), "a mask below the nose is not compliant");
            assertEquals(1, h.latestWindow(ComplianceWindow.FACILITY, T0).incorrect());

            assertEquals(1, h.notificationLog.size(), () -> "notifications: " + h.notificationLog);
            Notification n = h.notificationLog.get(0);
            assertEquals(List.of(PersonStatus.INCORRECT), n.alertStatuses());
            assertTrue(n.message().startsWith("1 person with mask below nose at Entrance A"), n.message());
        }
    }

    @Test
    void incorrectCountedAsMaskRaisesNoAlertAndIsCompliant() throws Exception {
        AlerterConfig c = cfg().withAlerts(AlertConfig.defaults().withIncorrectCountsAs(AlertConfig.MASK));
        try (TopologyHarness h = new TopologyHarness(c)) {
            h.send(frames(CAM, T0, STEP, 12, ts -> List.of(incorrect(600, 300, 80, 0.85))))
                    .send(empty(CAM, T0 + 12 * STEP, 4_000));
            assertEquals(List.of(), h.alertLog);
            assertEquals(List.of(PersonStatus.MASKED),
                    h.persons(PersonEvent.Type.CONFIRMED).stream().map(PersonEvent::status).toList());
            ComplianceWindow w = h.latestWindow(CAM, T0);
            assertEquals(1, w.masked());
            assertEquals(0, w.incorrect());
            assertEquals(1.0, w.compliance());
        }
    }

    @Test
    void alertStatusFollowsTheMajorityOfNonCompliantEvidence() throws Exception {
        AlerterConfig c = cfg().withNotifications(new NotificationConfig(1_000, 1_000, 0, List.of()));
        try (TopologyHarness h = new TopologyHarness(c)) {
            // Left: mostly no mask, sometimes pulled up to the chin. Right: mostly below the nose.
            h.send(frames(CAM, T0, STEP, 12, ts -> {
                        boolean odd = ((ts - T0) / STEP) % 3 == 2;
                        return List.of(odd ? incorrect(200, 300, 80, 0.9) : face(200, 300, 80, 0.9),
                                odd ? face(1000, 300, 80, 0.9) : incorrect(1000, 300, 80, 0.9));
                    }))
                    .send(empty(CAM, T0 + 12 * STEP, 4_000))
                    .advanceWallClock(5_000);
            assertEquals(2, h.alertLog.size(), () -> "alerts: " + h.alertLog);
            Alert left = h.alertLog.stream().filter(a -> a.box().centerX() < 600).findFirst().orElseThrow();
            Alert right = h.alertLog.stream().filter(a -> a.box().centerX() > 600).findFirst().orElseThrow();
            assertEquals(PersonStatus.UNMASKED, left.status());
            assertEquals(PersonStatus.INCORRECT, right.status());
            assertTrue(left.confidence() >= 0.85 && right.confidence() >= 0.85, "both non-compliant on every frame");
            ComplianceWindow w = h.latestWindow(CAM, T0);
            assertEquals(1, w.unmasked());
            assertEquals(1, w.incorrect());
            assertEquals(1, h.notificationLog.size());
            assertTrue(h.notificationLog.get(0).message()
                    .startsWith("1 person without a mask and 1 person with mask below nose at Entrance A"),
                    h.notificationLog.get(0).message());
        }
    }

    @Test
    void schema1DetectionsOfA2ClassDetectorStillAlert() throws Exception {
        try (TopologyHarness h = new TopologyHarness(cfg())) {
            for (int i = 0; i < 6; i++) {
                long ts = T0 + i * STEP;
                String json = """
                        {"schema_version":1,"camera_id":"%s","frame_sequence":%d,"capture_timestamp_ms":%d,
                         "processed_timestamp_ms":%d,"frame_width":1280,"frame_height":720,"detector":"blazeface",
                         "model":"mask-classifier@v1","faces":[{"box":{"x1":560.0,"y1":260.0,"x2":640.0,"y2":340.0},
                         "face_score":0.9,"label":"no_mask","score":0.92,"probabilities":{"mask":0.08,"no_mask":0.92},
                         "crop_jpeg":null,"heatmap_jpeg":null}]}""".formatted(CAM, i, ts, ts + 40);
                h.rawDetections.pipeInput(CAM, json.getBytes(StandardCharsets.UTF_8), ts);
                h.drain();
            }
            assertEquals(1, h.alertLog.size());
            assertEquals(PersonStatus.UNMASKED, h.alertLog.get(0).status());
            assertEquals(0.0, h.counter("maskwatch.alerter.decode.errors", "topic", "maskwatch.detections"));
        }
    }
}
