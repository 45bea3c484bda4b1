package io.maskwatch.alerter.tracking;

import static io.maskwatch.alerter.Script.T0;
import static io.maskwatch.alerter.Script.face;
import static io.maskwatch.alerter.Script.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.serde.JsonSerde;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tracker on its own: which face is whose. It never decides a status. */
class TrackerTest {
    private static final String CAM = "cam";
    private final Tracker tracker = new Tracker(TrackingConfig.defaults());
    private final TrackImages images = TrackImages.inMemory();

    @Test
    void twoPeopleCrossingKeepTheirTracksAndNoStatusIsDecided() {
        CameraState s = null;
        for (int i = 0; i < 12; i++) {
            double f = i / 11.0;
            var a = tracker.onDetection(s, frame(CAM, T0 + i * 250L, face(200 + 800 * f, 300, 80, 0.05),
                    face(1000 - 800 * f, 320, 80, 0.95)), 0, images);
            s = a.state();
            assertEquals(2, a.observations().size());
            assertEquals(i == 0, a.observations().stream().allMatch(Tracker.Observation::started));
        }
        assertEquals(2, s.tracks().size());
        for (Track t : s.tracks()) {
            assertEquals(12, t.frameCount());
            assertEquals(PersonStatus.UNCERTAIN, t.status(), "the tracker only tracks");
            assertEquals(TrackingConfig.defaults().voteWindow(), t.votes().size(), "keeps the last K faces");
            // Each track kept its own person's evidence all the way through the crossing.
            double noMask = t.votes().stream().mapToDouble(FaceEvidence::noMask).sum();
            assertTrue(noMask < 0.1 * 8 || noMask > 0.9 * 8, "mixed evidence: " + t.votes());
        }
    }

    @Test
    void evidenceIsJointWithTheFaceScore() {
        var a = tracker.onDetection(null, frame(CAM, T0, io.maskwatch.alerter.Script.face3(100, 100, 60, 0.5, 0.2, 0.2, 0.6)),
                0, images);
        FaceEvidence e = a.observations().get(0).evidence();
        assertEquals(0.5, e.face(), 1e-9);
        assertEquals(0.1, e.noMask(), 1e-9);
        assertEquals(0.3, e.incorrect(), 1e-9);
        assertEquals(0.4, e.nonCompliant(), 1e-9);
    }

    @Test
    void duplicatesAndLateFramesAreDroppedAndSilenceEndsTracks() {
        CameraState s = tracker.onDetection(null, frame(CAM, T0, face(100, 100, 60, 0.9)), 0, images).state();
        assertEquals(Tracker.Drop.DUPLICATE, tracker.onDetection(s, frame(CAM, T0, face(100, 100, 60, 0.9)), 0, images).drop());
        s = tracker.onDetection(s, frame(CAM, T0 + 5_000, face(900, 500, 60, 0.9)), 0, images).state();
        assertEquals(Tracker.Drop.LATE, tracker.onDetection(s, frame(CAM, T0 + 1_000, face(100, 100, 60, 0.9)), 0, images).drop());
        var a = tracker.onDetection(s, frame(CAM, T0 + 8_100), 0, images);
        assertNull(a.drop());
        assertEquals(1, a.ended().size(), "the second person is silent for more than end-after-ms");
        assertEquals(0, a.state().tracks().size());
    }

    @Test
    void outOfOrderFaceJoinsButNeverStartsATrack() {
        CameraState s = tracker.onDetection(null, frame(CAM, T0 + 1_000, face(100, 100, 60, 0.9)), 0, images).state();
        var a = tracker.onDetection(s, frame(CAM, T0 + 900, face(102, 100, 60, 0.9), face(800, 600, 60, 0.9)), 0, images);
        assertEquals(1, a.observations().size());
        assertEquals(1, a.state().tracks().size());
        assertEquals(T0 + 1_000, a.state().tracks().get(0).lastSeenMs(), "not moved back in time");
    }

    @Test
    void stateOfTheTwoClassAlerterStillDecodes() {
        // A tracks-store value written before the third label: votes were plain P(unmasked) numbers.
        String old = """
                {"camera_id":"cam","latest_ms":10,"last_arrival_wall_ms":0,"recent_ms":[10],"tracks":[{"id":"cam-10-0",
                 "started_ms":10,"last_seen_ms":10,"frame_count":2,"box":{"x1":0,"y1":0,"x2":10,"y2":10},"vx":0,"vy":0,
                 "votes":[0.9,0.8],"status":"uncertain","confidence":0,"alerts":0,"last_alert_ms":-1,"best":null,"counted":null}]}""";
        CameraState s = new JsonSerde<>(CameraState.class, CameraState.UPGRADE)
                .deserialize("tracks-changelog", old.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(new FaceEvidence(1, 0.9, 0), new FaceEvidence(1, 0.8, 0)), s.tracks().get(0).votes());
    }
}
