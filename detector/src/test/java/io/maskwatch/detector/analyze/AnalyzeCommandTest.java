package io.maskwatch.detector.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskwatch.common.contract.Box;
import io.maskwatch.detector.AnalyzeCommand;
import io.maskwatch.detector.TestMedia;
import io.maskwatch.detector.face.FaceBackends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code analyze} on an image directory, a video and face crops produces the documented JSON lines. */
class AnalyzeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private List<JsonNode> run(String... args) throws Exception {
        // The default backend (auto: the best installed), with the best one's model from ../shared.
        String best = FaceBackends.preferenceOrder().get(0);

        Path out = tmp.resolve("out-" + System.nanoTime() + ".jsonl");
        List<String> argv = new ArrayList<>(List.of("--output", out.toString(), "--models", TestMedia.classifierDir().toString()));
        argv.addAll(TestMedia.modelArgs(best));
        argv.addAll(List.of(args));
        assertEquals(0, new AnalyzeCommand().run(argv));
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(out)) {
            lines.add(JSON.readTree(l));
        }
        return lines;
    }

    private static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            k.add(it.next());
        }
        return k;
    }

    @Test
    void imageDirectoryGivesOneLinePerImageWithBoxesInImagePixels() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("images"));
        Files.write(dir.resolve("a-man.jpg"), TestMedia.jpeg("one-man-no-mask", 0));
        Files.write(dir.resolve("b-four.jpg"), TestMedia.jpeg("four-people-masks-on-off", 0));
        Files.write(dir.resolve("c-empty.jpg"), TestMedia.jpeg("putting-on-mask", 125));
        Files.writeString(dir.resolve("d-broken.jpg"), "not an image");
        Path heat = tmp.resolve("heat");
        List<JsonNode> lines = run("--input", dir.toString(), "--heatmaps", heat.toString());
        assertEquals(4, lines.size());

        JsonNode man = lines.get(0);
        assertEquals(List.of("source", "width", "height", "faces"), keys(man));
        assertEquals("a-man.jpg", man.get("source").asText());
        assertEquals(1280, man.get("width").asInt());
        assertEquals(720, man.get("height").asInt());
        assertEquals(1, man.get("faces").size());
        JsonNode face = man.get("faces").get(0);
        assertEquals(List.of("box", "face_score", "label", "score", "probabilities", "heatmap"), keys(face));
        JsonNode b = face.get("box");
        Box box = new Box(b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble());
        assertTrue(box.iou(new Box(504, 80, 776, 454)) > 0.6, "box in original pixels: " + box);
        assertEquals("no_mask", face.get("label").asText());
        // score = face_score x P(no_mask): the joint confidence (both printed rounded to 4 decimals)
        assertEquals(face.get("face_score").asDouble() * face.get("probabilities").get("no_mask").asDouble(),
                face.get("score").asDouble(), 2e-4);
        assertTrue(face.get("score").asDouble() <= face.get("probabilities").get("no_mask").asDouble() + 1e-4,
                "a detected face's score is not above the class probability: " + face);
        double sum = 0;
        for (JsonNode p : face.get("probabilities")) {
            sum += p.asDouble();
        }
        assertEquals(1.0, sum, 1e-3, "P(label | face) over the classifier's classes: " + face.get("probabilities"));
        assertTrue(Files.size(heat.resolve(face.get("heatmap").asText())) > 500, "heat map written");

        List<Box> four = new ArrayList<>();
        for (JsonNode f : lines.get(1).get("faces")) {
            JsonNode fb = f.get("box");
            four.add(new Box(fb.get(0).asDouble(), fb.get(1).asDouble(), fb.get(2).asDouble(), fb.get(3).asDouble()));
        }
        TestMedia.assertFourPeople(four);
        assertEquals(0, lines.get(2).get("faces").size(), "no face");
        assertEquals("d-broken.jpg", lines.get(3).get("source").asText());
        assertTrue(lines.get(3).get("error").asText().contains("cannot read"), lines.get(3).toString());
    }

    @Test
    void videoGivesOneLinePerSampledFrameWithIndexAndTimestamp() throws Exception {
        List<JsonNode> lines = run("--input", TestMedia.video("one-person-mask").toString(), "--every", "100");
        assertEquals(3, lines.size(), "frames 0, 100, 200 of 244");
        for (int i = 0; i < 3; i++) {
            JsonNode l = lines.get(i);
            assertEquals("one-person-mask.mp4#" + (i * 100), l.get("source").asText());
            assertEquals(i * 100 * 40, l.get("timestamp_ms").asLong(), 1.0, "25 fps");
            assertEquals(720, l.get("width").asInt());
            assertEquals(1, l.get("faces").size());
            assertEquals("mask", l.get("faces").get(0).get("label").asText());
        }
    }

    @Test
    void cropsModeClassifiesEachImageAsOneFace() throws Exception {
        Path data = TestMedia.shared().resolve("datasets/face-masks/test");
        Path dir = Files.createDirectories(tmp.resolve("crops"));
        for (String label : List.of("mask", "no_mask")) {
            try (Stream<Path> s = Files.list(data.resolve(label))) {
                for (Path p : s.sorted().limit(5).toList()) {
                    Files.copy(p, dir.resolve(label + "-" + p.getFileName()));
                }
            }
        }
        List<JsonNode> lines = run("--input", dir.toString(), "--crops");
        assertEquals(10, lines.size());
        int correct = 0;
        for (JsonNode l : lines) {
            assertEquals(1, l.get("faces").size());
            JsonNode f = l.get("faces").get(0);
            JsonNode box = f.get("box");
            assertEquals(0, box.get(0).asDouble());
            assertEquals(l.get("width").asDouble(), box.get(2).asDouble());
            assertEquals(l.get("height").asDouble(), box.get(3).asDouble());
            assertEquals(1.0, f.get("face_score").asDouble());
            assertEquals(f.get("probabilities").get(f.get("label").asText()).asDouble(), f.get("score").asDouble(), 1e-9,
                    "crops are faces by definition: score is the class probability");
            if (l.get("source").asText().startsWith(f.get("label").asText() + "-")) {
                correct++;
            }
        }
        assertTrue(correct >= 8, correct + " of 10 test crops right");
    }

    @Test
    void missingClassifierLoadedInTheBackgroundStillFailsWithTheConfigKey() throws Exception {
        // The classifier loads on another thread while the detectors open: its error must still reach the user as is.
        io.maskwatch.common.config.ConfigException e = analyzeWithoutClassifier("a.jpg", "one-man-no-mask", 0);
        assertTrue(e.getMessage().contains("detector.models-dir"), e.getMessage());
        assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());
    }

    @Test
    void missingClassifierFailsAlsoWhenNoImageHasAFace() throws Exception {
        // No face means no classification, so nothing awaits the classifier during the run: a bad model must
        // still fail the command (as it did when the classifier loaded first), not exit 0.
        io.maskwatch.common.config.ConfigException e = analyzeWithoutClassifier("empty.jpg", "putting-on-mask", 125);
        assertTrue(e.getMessage().contains("detector.models-dir"), e.getMessage());
    }

    /** Runs analyze on one clip frame with a classifier directory that does not exist; returns its error. */
    private io.maskwatch.common.config.ConfigException analyzeWithoutClassifier(String file, String clip, int frame)
            throws Exception {
        Path img = tmp.resolve(file);
        Files.write(img, TestMedia.jpeg(clip, frame));
        List<String> argv = new ArrayList<>(List.of("--input", img.toString(), "--output", tmp.resolve("o.jsonl").toString(),
                "--models", tmp.resolve("no-such-model").toString()));
        argv.addAll(TestMedia.modelArgs(FaceBackends.preferenceOrder().get(0)));
        return org.junit.jupiter.api.Assertions.assertThrows(
                io.maskwatch.common.config.ConfigException.class, () -> new AnalyzeCommand().run(argv));
    }
}
