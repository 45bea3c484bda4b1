package io.maskwatch.alerter;

import static io.maskwatch.alerter.Script.T0;
import static io.maskwatch.alerter.Script.face;
import static io.maskwatch.alerter.Script.frames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.maskwatch.common.contract.ComplianceWindow;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.PersonEvent;
import io.maskwatch.common.contract.PersonStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Through the topology (TopologyTestDriver): faces the detector misses for a few frames, and status
 * changes that cross a compliance window boundary. Defaults: max gap 2 s, end after 3 s, K=8, N=4,
 * threshold 0.7, 1-minute windows, 5-minute alert cooldown.
 */
class TrackingGapsAndWindowsTest {
    private static final String CAM = "entrance-a";
    private static final long STEP = 250;
    private static final long MINUTE = 60_000;

    /** One unmasked person walking left to right, with no face in frames [missFrom, missTo). */
    private static List<DetectionEvent> walkWithMiss(long from, int count, int missFrom, int missTo, double pNoMask) {
        return frames(CAM, from, STEP, count, ts -> {
            int i = (int) ((ts - from) / STEP);
            return i >= missFrom && i < missTo ? List.of() : List.of(face(200 + 12 * i, 300, 80, pNoMask));
        });
    }

    private static List<DetectionEvent> empty(long from, long ms) {
        return frames(CAM, from, STEP, (int) (ms / STEP), ts -> List.of());
    }

    @Test
    void faceMissedWithinTheMaxGapStaysOneTrackWithOneAlert() throws Exception {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.config())) {
            // 40 frames (10 s); the detector misses the face in frames 10-15 (1.5 s < max gap 2 s).
            h.send(walkWithMiss(T0, 40, 10, 16, 0.93)).send(empty(T0 + 40 * STEP, 4_000));

            assertEquals(1, h.persons(PersonEvent.Type.STARTED).size(), () -> "persons: " + h.personLog);
            List<PersonEvent> ended = h.persons(PersonEvent.Type.ENDED);
            assertEquals(1, ended.size());
            assertEquals(34, ended.get(0).frameCount(), "every face but the 6 missed ones joined the track");
            assertEquals(T0, ended.get(0).startedTimestampMs());
            assertEquals(T0 + 39 * STEP, ended.get(0).lastSeenTimestampMs());
            assertEquals(1, h.alertLog.size(), () -> "one person, one alert: " + h.alertLog);
            assertEquals(1, h.latestWindow(CAM, T0).persons(), "counted once");
        }
    }

    @Test
    void cameraSilentForLessThanEndAfterKeepsTheTrackOnTheWallClock() throws Exception {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.config())) {
            // No frames at all for 1.5 s (a stalled stream): the idle check must not end the track.
            h.send(frames(CAM, T0, STEP, 10, ts -> List.of(face(600, 300, 80, 0.93))));
            h.advanceWallClock(1_500);
            h.send(frames(CAM, T0 + 10 * STEP + 1_500, STEP, 10, ts -> List.of(face(600, 300, 80, 0.93))));
            h.send(empty(T0 + 20 * STEP + 1_500, 4_000));

            assertEquals(1, h.persons(PersonEvent.Type.STARTED).size(), () -> "persons: " + h.personLog);
            assertEquals(20, h.persons(PersonEvent.Type.ENDED).get(0).frameCount());
            assertEquals(1, h.alertLog.size(), () -> "alerts: " + h.alertLog);
        }
    }

    @Test
    void faceMissedLongerThanTheMaxGapIsANewPerson() throws Exception {
        // The boundary on the other side, so the test above cannot pass by never splitting tracks.
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.config())) {
            // Missed in frames 10-19: the face comes back 2.75 s after it was last seen (> 2 s).
            h.send(walkWithMiss(T0, 40, 10, 20, 0.93)).send(empty(T0 + 40 * STEP, 4_000));
            assertEquals(2, h.persons(PersonEvent.Type.STARTED).size(), () -> "persons: " + h.personLog);
            assertEquals(2, h.alertLog.size(), () -> "alerts: " + h.alertLog);
        }
    }

    @Test
    void statusChangeInTheNextWindowCorrectsTheWindowWhereThePersonWasCounted() throws Exception {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.config())) {
            // Unmasked from T0+50 s (decided at the 4th face, T0+50.75 s, window 0), puts a mask on at
            // T0+64 s (window 1) and stays masked until T0+74 s.
            long from = T0 + 50 * 1_000;
            h.send(frames(CAM, from, STEP, 96, ts -> List.of(face(600, 300, 80, ts < T0 + 64_000 ? 0.93 : 0.05))))
                    .send(empty(from + 96 * STEP, 4_000));

            List<PersonStatus> confirmed = h.persons(PersonEvent.Type.CONFIRMED).stream().map(PersonEvent::status).toList();
            assertEquals(List.of(PersonStatus.UNMASKED, PersonStatus.MASKED), confirmed);
            assertEquals(1, h.alertLog.size());
            for (String key : List.of(CAM, ComplianceWindow.FACILITY)) {
                ComplianceWindow w0 = h.latestWindow(key, T0);
                assertEquals(List.of(1L, 1L, 0L, 0L), List.of(w0.persons(), w0.masked(), w0.unmasked(), w0.uncertain()),
                        key + ": one person, counted in the window of the first decision, now masked");
                ComplianceWindow w1 = h.latestWindow(key, T0 + MINUTE);
                assertNull(w1, key + ": nothing moves into the window of the change: " + w1);
            }
            // Every record of window 0 is consistent: first 1 unmasked, then corrected to 1 masked.
            List<List<Long>> history = new ArrayList<>();
            for (ComplianceWindow w : h.complianceLog) {
                if (w.cameraId().equals(CAM)) {
                    history.add(List.of(w.windowStartMs() - T0, w.persons(), w.masked(), w.unmasked()));
                }
            }
            assertEquals(List.of(List.of(0L, 1L, 0L, 1L), List.of(0L, 1L, 1L, 0L)), history);
        }
    }

    @Test
    void personSeenBeforeTheBoundaryButDecidedAfterItCountsInTheLaterWindow() throws Exception {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.config())) {
            // Appears at T0+59.5 s; the 4th face (the first decision) is at T0+60.25 s: window 1.
            long from = T0 + 59_500;
            h.send(frames(CAM, from, STEP, 12, ts -> List.of(face(600, 300, 80, 0.05))))
                    .send(empty(from + 12 * STEP, 4_000));
            assertNull(h.latestWindow(CAM, T0), "not counted where first seen");
            ComplianceWindow w1 = h.latestWindow(CAM, T0 + MINUTE);
            assertEquals(List.of(1L, 1L, 0L), List.of(w1.persons(), w1.masked(), w1.unmasked()));
            assertEquals(1, h.latestWindow(ComplianceWindow.FACILITY, T0 + MINUTE).persons());
        }
    }

    @Test
    void undecidedPersonCountsAsUncertainInTheWindowOfTheLastFace() throws Exception {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.config())) {
            // Flickers from T0+58 s to T0+61.75 s (never decided), so counted in window 1 when it ends.
            long from = T0 + 58_000;
            h.send(frames(CAM, from, STEP, 16, ts -> List.of(face(600, 300, 80, ((ts - from) / STEP) % 2 == 0 ? 0.9 : 0.1))))
                    .send(empty(from + 16 * STEP, 4_000));
            assertNull(h.latestWindow(CAM, T0));
            ComplianceWindow w1 = h.latestWindow(CAM, T0 + MINUTE);
            assertEquals(List.of(1L, 0L, 0L, 1L), List.of(w1.persons(), w1.masked(), w1.unmasked(), w1.uncertain()));
        }
    }
}
