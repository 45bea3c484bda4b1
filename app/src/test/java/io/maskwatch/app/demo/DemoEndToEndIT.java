package io.maskwatch.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.maskwatch.app.DemoCommand;
import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.PersonEvent;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline on the real embedded broker with the real models on the clips in
 * ../shared/videos: ingest -> detector -> alerter, as {@code ./maskwatch demo} runs it.
 */
public class DemoEndToEndIT {
    public static Path video(String name) {
        String shared = System.getProperty("maskwatch.shared.dir", System.getenv().getOrDefault("MASKWATCH_SHARED_DIR", "../shared"));
        Path p = Path.of(shared, "videos", name);
        assumeTrue(Files.isRegularFile(p), "skipped: " + p + " not found (../shared/videos is not available here)");
        assumeTrue(Files.isRegularFile(defaultDetectorModel()), "skipped: " + defaultDetectorModel() + " not found");
        return p;
    }

    /** The default backend's model, from ../shared (the model cache may not hold it). */
    static Path defaultDetectorModel() {
        String shared = System.getProperty("maskwatch.shared.dir", System.getenv().getOrDefault("MASKWATCH_SHARED_DIR", "../shared"));
        return Path.of(shared, "models", "retinaface-mobilenet0.25.onnx").toAbsolutePath();
    }

    record Outcome(DemoSummary summary, List<Alert> alerts, List<PersonEvent> persons, long clipStartMs) {
    }

    static Outcome run(Path clip, double fps) throws Exception {
        CameraConfig camera = DemoCommand.camera(clip.toString(), fps, false, new HashSet<>());
        DemoRun.Options options = new DemoRun.Options(List.of(camera), null, 0, null,
                Map.of("MASKWATCH_DETECTOR_MODELS_DIR", Path.of(System.getProperty("maskwatch.project.dir", ".."))
                        .resolve("models/mask-classifier").toString(),
                        "MASKWATCH_DETECTOR_BACKEND", "retinaface",
                        "MASKWATCH_DETECTOR_RETINAFACE_MODEL", defaultDetectorModel().toString()));
        try (DemoRun run = new DemoRun(options)) {
            run.start(System.out::println);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!run.sourcesFinished() && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            assertTrue(run.sourcesFinished(), "the clip was not consumed within 2 minutes: " + run.ingestState());
            run.drain(Duration.ofSeconds(90));
            DemoSummary summary = run.summary();
            System.out.println(clip.getFileName() + ": " + summary.toJson());
            List<PersonEvent> persons = run.personEvents();
            long start = persons.stream().mapToLong(PersonEvent::startedTimestampMs).min().orElse(0);
            return new Outcome(summary, run.alerts(), persons, start);
        }
    }

    /** Tracks and alerts, for the failure messages: what the pipeline actually saw. */
    static String describe(Outcome o) {
        StringBuilder b = new StringBuilder(o.summary().toJson());
        o.persons().stream().filter(p -> p.type() == PersonEvent.Type.ENDED || p.type() == PersonEvent.Type.CONFIRMED)
                .forEach(p -> b.append(String.format(java.util.Locale.ROOT, "%n  %s %s %s %.1f-%.1f s, %d faces",
                        p.trackId(), p.type(), p.status(), (p.startedTimestampMs() - o.clipStartMs()) / 1000.0,
                        (p.lastSeenTimestampMs() - o.clipStartMs()) / 1000.0, p.frameCount())));
        o.alerts().forEach(a -> b.append(String.format(java.util.Locale.ROOT, "%n  alert %s track %s at %.1f s",
                a.alertId(), a.trackId(), (a.timestampMs() - o.clipStartMs()) / 1000.0)));
        return b.toString();
    }

    static long tracks(Outcome o) {
        return o.persons().stream().map(PersonEvent::trackId).distinct().count();
    }

    @Test
    void unmaskedManRaisesAnAlertWithSnapshotAndHeatMap() throws Exception {
        Outcome o = run(video("one-man-no-mask.mp4"), 2);
        String seen = describe(o);
        System.out.println(seen);
        // 8.2 s at 2 fps; the man's face fills the frame in every one of them.
        assertEquals(o.summary().frames(), o.summary().faces(), "one face in every frame: " + seen);
        assertTrue(o.summary().frames() >= 16 && o.summary().frames() <= 17, "8.2 s sampled at 2 fps: " + seen);
        assertEquals(1, tracks(o), "one man, one track: " + seen);
        assertEquals(1, o.summary().persons(), seen);
        assertEquals(1, o.summary().unmasked(), seen);
        assertEquals(0, o.summary().masked(), seen);
        assertEquals(1, o.alerts().size(), "one unmasked man, one alert (the cooldown is 5 minutes): " + seen);
        Alert a = o.alerts().get(0);
        assertNotNull(a.faceJpeg(), "alert without face snapshot");
        assertNotNull(a.heatmapJpeg(), "alert without heat map");
        assertNotNull(ImageIO.read(new ByteArrayInputStream(a.faceJpeg())), "face snapshot is not an image");
        assertNotNull(ImageIO.read(new ByteArrayInputStream(a.heatmapJpeg())), "heat map is not an image");
        assertEquals(0.0, o.summary().compliance(), "nobody masked: " + seen);
    }

    @Test
    void maskedPersonRaisesNoAlert() throws Exception {
        Outcome o = run(video("one-person-mask.mp4"), 2);
        String seen = describe(o);
        System.out.println(seen);
        assertEquals(1, tracks(o), "one woman at a laptop, one track: " + seen);
        assertEquals(0, o.alerts().size(), "no unmasked alert expected: " + seen);
        assertEquals(1, o.summary().persons(), seen);
        assertEquals(1, o.summary().masked(), "the masked person is confirmed: " + seen);
        assertEquals(0, o.summary().unmasked(), seen);
        assertEquals(1.0, o.summary().compliance(), seen);
    }

    @Test
    void fourPeopleAreTrackedAndAlertsOnlyWhileMasksAreOff() throws Exception {
        Outcome o = run(video("four-people-masks-on-off.mp4"), 4);
        String seen = describe(o);
        System.out.println(seen);
        // Four people and the Mona Lisa print behind them are in view for the whole clip; the detector
        // finds the print's face too. Tolerance: tracks of the first seconds may split, because a file's
        // frames are stamped with the wall clock at grab time and a stall of more than max-gap-ms (2 s)
        // on a loaded machine ends every track; so the five are counted among the tracks that see the
        // end of the clip, when everyone wears a mask.
        long lastSeen = o.persons().stream().mapToLong(PersonEvent::lastSeenTimestampMs).max().orElseThrow();
        List<PersonEvent> atEnd = o.persons().stream()
                .filter(p -> p.type() == PersonEvent.Type.ENDED && p.lastSeenTimestampMs() >= lastSeen - 1_000).toList();
        assertEquals(5, atEnd.size(), "four people and the portrait at the end of the clip: " + seen);
        assertEquals(List.of(io.maskwatch.common.contract.PersonStatus.MASKED), atEnd.stream().map(PersonEvent::status).distinct().toList(),
                "everyone masked at the end: " + seen);
        // All four are bare-faced for the first ~2 s; the man on the left lowers his mask around 6-10 s;
        // from ~11 s everyone wears a mask. Alerts (raised a few frames after a face is seen unmasked)
        // fall inside those periods, at most one per track (5-minute cooldown), and at least one in the
        // first period. How many of the four are confirmed in the ~1.5 s before their hands cover their
        // faces depends on the classifier on half-covered faces, hence no exact count for the first period.
        assertTrue(o.alerts().stream().anyMatch(a -> a.timestampMs() - o.clipStartMs() < 4_500), "an alert at the start: " + seen);
        assertEquals(o.alerts().size(), o.alerts().stream().map(Alert::trackId).distinct().count(),
                "one alert per track: " + seen);
        for (Alert a : o.alerts()) {
            double t = (a.timestampMs() - o.clipStartMs()) / 1000.0;
            assertTrue(t < 4.5 || t > 6 && t < 11.5, "alert at " + t + " s into the clip, when masks were on: " + seen);
        }
    }
}
