package io.maskwatch.alerter.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.alerter.tracking.TrackListener.TrackedFace;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.Face;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.common.contract.PersonStatus;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class LiveFramesTest {
    private static final long T0 = 1_700_000_000_000L;

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        long now = T0;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }
    }

    private final MutableClock clock = new MutableClock();
    private final LiveFrames live = new LiveFrames(List.of("cam", "quiet"), 2, clock);

    private static byte[] jpeg() throws Exception {
        BufferedImage img = new BufferedImage(320, 180, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.GRAY);
        g.fillRect(0, 0, 320, 180);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", out);
        return out.toByteArray();
    }

    private static Face face(double cx, FaceLabel label) {
        Map<String, Double> p = label == FaceLabel.MASK ? Map.of("mask", 0.9, "no_mask", 0.1) : Map.of("mask", 0.1, "no_mask", 0.9);
        return new Face(new Box(cx - 20, 40, cx + 20, 80), 0.9, label, 0.81, p, null, null);
    }

    private static DetectionEvent detection(long seq, long ts, Face... faces) {
        return DetectionEvent.of("cam", seq, ts, ts + 20, 320, 180, "t", "m", List.of(faces));
    }

    private LiveFrames.Frame frame(long seq, long ts, byte[] jpeg) {
        return new LiveFrames.Frame("cam", seq, ts, clock.millis(), jpeg);
    }

    @Test
    void framesJoinTheirDetectionsInEitherOrder() throws Exception {
        byte[] img = jpeg();
        live.onFrame(frame(0, T0, img));
        long v0 = live.camera("cam").orElseThrow().version();
        assertArrayEquals(img, live.snapshot("cam"), "before any detection: the bare frame");
        live.onDetection(detection(0, T0, face(100, FaceLabel.NO_MASK)));
        long v1 = live.camera("cam").orElseThrow().version();
        assertTrue(v1 > v0, "a joined frame is news for streams");
        byte[] annotated = live.snapshot("cam");
        assertFalse(java.util.Arrays.equals(img, annotated));
        BufferedImage a = ImageIO.read(new ByteArrayInputStream(annotated));
        int p = a.getRGB(80, 60); // on the box's left edge
        assertTrue(((p >> 16) & 255) > 150 && ((p >> 8) & 255) < 100, "no-mask box drawn in red: " + Integer.toHexString(p));
        assertSame(annotated, live.snapshot("cam"), "annotated once per frame, then cached");

        // Detection first, then its frame.
        live.onDetection(detection(1, T0 + 250, face(110, FaceLabel.MASK)));
        live.onFrame(frame(1, T0 + 250, img));
        assertTrue(live.camera("cam").orElseThrow().version() > v1);
        assertFalse(java.util.Arrays.equals(annotated, live.snapshot("cam")));
    }

    private static void assertSame(byte[] expected, byte[] actual, String message) {
        assertTrue(expected == actual, message);
    }

    @Test
    void camerasAreUpWhileFramesArriveAndUnknownOnesAreAbsent() throws Exception {
        live.onFrame(frame(0, T0, jpeg()));
        assertTrue(live.camera("cam").orElseThrow().up());
        LiveFrames.CameraState quiet = live.camera("quiet").orElseThrow();
        assertFalse(quiet.up());
        assertNull(quiet.lastFrameMs());
        assertTrue(live.camera("nope").isEmpty());
        assertNull(live.snapshot("nope"));
        assertEquals(List.of("cam", "quiet"), live.cameras().stream().map(LiveFrames.CameraState::cameraId).toList());
        clock.now += LiveFrames.DOWN_AFTER_MS + 1;
        assertFalse(live.camera("cam").orElseThrow().up(), "no frame for longer than DOWN_AFTER_MS: down");
    }

    @Test
    void waitingFramesAreBounded() throws Exception {
        byte[] img = jpeg();
        for (int i = 0; i < 50; i++) {
            live.onFrame(frame(i, T0 + i * 250L, img));
        }
        // Only the last PENDING frames can still be joined.
        live.onDetection(detection(0, T0, face(100, FaceLabel.NO_MASK)));
        assertArrayEquals(img, live.snapshot("cam"), "frame 0 was pushed out: nothing joined");
        live.onDetection(detection(49, T0 + 49 * 250L, face(100, FaceLabel.NO_MASK)));
        assertFalse(java.util.Arrays.equals(img, live.snapshot("cam")));
    }

    @Test
    void alertKeepsItsFrameAndTheTimelineOfItsTrackOnly() throws Exception {
        byte[] img = jpeg();
        // An earlier person at the same place, then the alerted track starting at T0 + 1000.
        for (int i = 0; i < 3; i++) {
            long ts = T0 + i * 250L;
            live.onFrame(frame(i, ts, img));
            live.onDetection(detection(i, ts, face(100 + i * 10, FaceLabel.NO_MASK)));
        }
        long start = T0 + 1000;
        for (int i = 0; i < 5; i++) {
            long ts = start + i * 250L;
            live.onFrame(frame(10 + i, ts, img));
            // A masked bystander on the far side is never part of the timeline.
            live.onDetection(detection(10 + i, ts, face(130 + i * 25, i == 1 ? FaceLabel.MASK : FaceLabel.NO_MASK), face(290, FaceLabel.MASK)));
        }
        long alertTs = start + 4 * 250L;
        Alert a = new Alert(2, "cam-" + start + "-0-1", "cam", "cam-" + start + "-0", alertTs, PersonStatus.UNMASKED, 0.9,
                5, new Box(110, 40, 150, 80), null, null);
        live.onAlert(a);
        LiveFrames.AlertContext ctx = live.alert(a.alertId()).orElseThrow();
        assertNotNull(ctx.frame(), "the alerting frame was kept");
        assertEquals(alertTs, ctx.frame().frame().captureMs());
        assertEquals(5, ctx.timeline().size(), () -> ctx.timeline().toString());
        assertEquals(start, ctx.timeline().get(0).captureMs(), "starts at the track's first face, not the earlier person");
        assertEquals(FaceLabel.MASK, ctx.timeline().get(1).label(), "a masked frame of the same person is in it");
        assertEquals(alertTs, ctx.timeline().get(4).captureMs());

        live.forget(a.alertId());
        assertTrue(live.alert(a.alertId()).isEmpty(), "erased");
    }

    @Test
    void boxesCarryTheTrackTheTrackerSaidWhetherItSpeaksBeforeOrAfterTheJoin() throws Exception {
        byte[] img = jpeg();
        Face left = face(80, FaceLabel.NO_MASK);
        Face right = face(240, FaceLabel.MASK);
        live.onFrame(frame(0, T0, img));
        live.onDetection(detection(0, T0, left, right));
        LiveFrames.Joined shown = live.shown("cam");
        assertNull(shown.trackId(left), "the tracker has not spoken yet");
        byte[] without = live.snapshot("cam");
        live.onTracked("cam", T0, List.of(new TrackedFace(right.box(), "cam-" + T0 + "-1"),
                new TrackedFace(left.box(), "cam-" + T0 + "-0")));
        assertEquals("cam-" + T0 + "-0", shown.trackId(left));
        assertEquals("cam-" + T0 + "-1", shown.trackId(right));
        byte[] with = live.snapshot("cam");
        assertFalse(without == with, "ids that come after the first drawing are drawn once more");
        assertSame(with, live.snapshot("cam"), "and cached again");

        // The tracker first (Streams can be ahead of the live feed), then the frame and its detection.
        live.onTracked("cam", T0 + 250, List.of(new TrackedFace(left.box(), "cam-" + T0 + "-0")));
        live.onDetection(detection(1, T0 + 250, left, right));
        live.onFrame(frame(1, T0 + 250, img));
        assertEquals("cam-" + T0 + "-0", live.shown("cam").trackId(left));
        assertNull(live.shown("cam").trackId(right), "a face the tracker did not place has no id");
        assertEquals("00000-7", FrameAnnotator.shortTrackId("cam-a-1700000000000-7"));
    }

    @Test
    void whereTheTrackerSpokeTheTimelineFollowsItsTrackThroughACrossing() throws Exception {
        byte[] img = jpeg();
        // Two unmasked people walk towards each other and cross; by position alone, the timeline would jump.
        String a = "cam-" + T0 + "-0";
        String b = "cam-" + T0 + "-1";
        for (int i = 0; i < 5; i++) {
            long ts = T0 + i * 250L;
            Face fa = face(100 + i * 30, FaceLabel.NO_MASK);
            Face fb = face(220 - i * 30, FaceLabel.NO_MASK);
            live.onFrame(frame(i, ts, img));
            live.onDetection(detection(i, ts, fa, fb));
            live.onTracked("cam", ts, List.of(new TrackedFace(fa.box(), a), new TrackedFace(fb.box(), b)));
        }
        long alertTs = T0 + 4 * 250L;
        Alert alert = new Alert(2, a + "-1", "cam", a, alertTs, PersonStatus.UNMASKED, 0.9, 5,
                face(100, FaceLabel.NO_MASK).box(), null, null); // the best face: its first, far from its last
        live.onAlert(alert);
        LiveFrames.AlertContext ctx = live.alert(alert.alertId()).orElseThrow();
        assertEquals(5, ctx.timeline().size(), () -> ctx.timeline().toString());
        for (int i = 0; i < 5; i++) {
            assertEquals(100 + i * 30 - 20, ctx.timeline().get(i).box().x1(), 1e-9, "frame " + i + " is track a's face");
        }
        assertEquals(a, ctx.frame().trackId(face(220, FaceLabel.NO_MASK)), "the alert frame knows the ids too");
    }

    @Test
    void gridTilesAreMadeAtMostEveryRefreshPeriodAndShared() throws Exception {
        byte[] img = jpeg();
        live.onFrame(frame(0, T0, img));
        live.onDetection(detection(0, T0, face(100, FaceLabel.NO_MASK)));
        byte[] tile = live.snapshot("cam", true);
        assertTrue(ImageIO.read(new ByteArrayInputStream(tile)).getWidth() <= LiveFrames.THUMB_WIDTH);
        clock.now += 500;
        live.onFrame(frame(1, T0 + 500, img));
        live.onDetection(detection(1, T0 + 500, face(200, FaceLabel.MASK)));
        assertSame(tile, live.snapshot("cam", true), "a newer frame within the refresh period: the same tile, no encode");
        BufferedImage full = ImageIO.read(new ByteArrayInputStream(live.snapshot("cam")));
        int p = full.getRGB(180, 60); // the new frame's green box, left edge
        assertTrue(((p >> 8) & 255) > 120 && ((p >> 16) & 255) < 100, "full size shows the newest frame: " + Integer.toHexString(p));
        clock.now += LiveFrames.TILE_REFRESH_MS;
        byte[] renewed = live.snapshot("cam", true);
        assertFalse(tile == renewed, "renewed after the period");
        assertFalse(java.util.Arrays.equals(tile, renewed), "from the newest frame");
    }

    @Test
    void alertBeforeItsDetectionWaitsForIt() throws Exception {
        byte[] img = jpeg();
        live.onFrame(frame(0, T0, img));
        live.onDetection(detection(0, T0, face(100, FaceLabel.NO_MASK)));
        Alert a = new Alert(2, "cam-" + T0 + "-0-1", "cam", "cam-" + T0 + "-0", T0 + 250, PersonStatus.UNMASKED, 0.9, 2,
                new Box(80, 40, 120, 80), null, null);
        live.onAlert(a);
        assertTrue(live.alert(a.alertId()).isEmpty(), "waits for its detection");
        live.onFrame(frame(1, T0 + 250, img));
        live.onDetection(detection(1, T0 + 250, face(105, FaceLabel.NO_MASK)));
        LiveFrames.AlertContext ctx = live.alert(a.alertId()).orElseThrow();
        assertNotNull(ctx.frame());
        assertEquals(2, ctx.timeline().size());
    }

    @Test
    void alertFramesAreBoundedNewestKept() throws Exception {
        for (int i = 0; i < 3; i++) {
            live.onAlert(new Alert(2, "a" + i, "other", "other-" + i + "-0", T0 + i, PersonStatus.UNMASKED, 0.9, 4,
                    new Box(0, 0, 10, 10), null, null));
        }
        assertTrue(live.alert("a0").isEmpty(), "capacity 2: the oldest went");
        assertTrue(live.alert("a2").isPresent());
    }

    @Test
    void streamsAreCountedUntilClosed() throws Exception {
        assertEquals(0, live.activeStreams());
        try (LiveFrames.Viewer v = live.openStream()) {
            assertEquals(1, live.activeStreams());
        }
        assertEquals(0, live.activeStreams());
        live.close();
        assertEquals(-1, live.awaitNewer("cam", 0, 10_000), "closing wakes waiting streams at once");
    }

    @Test
    void watchedForTheWatchTimeAfterAViewerAskedOrWhileAStreamIsOpen() {
        assertFalse(live.watched(), "nobody asked yet");
        live.touch();
        assertTrue(live.watched());
        clock.now += LiveFrames.WATCH_MS + 1;
        assertFalse(live.watched(), "the viewer left");
        try (LiveFrames.Viewer v = live.openStream()) {
            assertTrue(live.watched(), "an open stream watches however long ago it asked");
        }
        assertFalse(live.watched());
    }

    @Test
    void whileFramesAreNotReadDetectionsKeepTheCameraUp() {
        live.onDetection(detection(0, T0, face(100, FaceLabel.NO_MASK)));
        LiveFrames.CameraState cam = live.camera("cam").orElseThrow();
        assertTrue(cam.up());
        assertEquals(T0, cam.lastFrameMs(), "the capture time of the frame the detection is of");
        assertNull(live.snapshot("cam"), "no frame read");
        clock.now += LiveFrames.DOWN_AFTER_MS + 1;
        assertFalse(live.camera("cam").orElseThrow().up());
    }

    @Test
    void anAlertStoredWithoutItsFrameGetsTheFrameReadBackForIt() throws Exception {
        for (int i = 0; i < 4; i++) {
            live.onDetection(detection(i, T0 + i * 250L, face(100, FaceLabel.NO_MASK)));
        }
        long alertTs = T0 + 3 * 250L;
        Alert a = new Alert(2, "cam-" + T0 + "-0-1", "cam", "cam-" + T0 + "-0", alertTs, PersonStatus.UNMASKED, 0.9,
                4, new Box(80, 40, 120, 80), null, null);
        live.onAlert(a);
        assertNull(live.alert(a.alertId()).orElseThrow().frame(), "no frame was read live");
        assertTrue(live.lacksFrame(a));
        assertEquals(4, live.alert(a.alertId()).orElseThrow().timeline().size(), "the timeline needs no frames");
        live.onFetchedFrame(a, frame(3, alertTs, jpeg()));
        LiveFrames.AlertContext ctx = live.alert(a.alertId()).orElseThrow();
        assertNotNull(ctx.frame());
        assertEquals(alertTs, ctx.frame().detection().captureTimestampMs(), "joined with the alert's detection");
        assertFalse(live.lacksFrame(a));
        assertNull(live.snapshot("cam"), "a frame read back for an alert is not the live view");
    }
}
