package io.maskwatch.detector.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.detector.EvalCommand;
import io.maskwatch.detector.TestMedia;
import io.maskwatch.detector.eval.VocDataset.VocImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval} on a small VOC set built here from hand-labelled clip frames (clips-ground-truth.tsv). */
class EvalCommandTest {
    @TempDir
    Path tmp;

    @Test
    void scoresTheDefaultPipelineOnHandLabelledFrames() throws Exception {
        TestMedia.config("blazeface");
        Path voc = tmp.resolve("voc");
        List<ClipVocSet.Frame> frames = ClipVocSet.frames(TestMedia.shared(), 3); // 17 of the 47 frames
        try {
            ClipVocSet.writeFrames(frames, voc);
        } finally {
            frames.forEach(f -> f.image().close());
        }
        List<VocImage> set = VocDataset.read(voc);
        assertEquals(frames.size(), set.size());
        assertTrue(set.stream().anyMatch(v -> v.objects().isEmpty()), "a frame without faces is part of the set");
        assertTrue(set.stream().flatMap(v -> v.objects().stream()).anyMatch(VocDataset.VocObject::difficult));

        Path report = tmp.resolve("report.txt");
        assertEquals(0, new EvalCommand().run(List.of("--voc", voc.toString(), "--min-size", "32",
                "--models", TestMedia.classifierDir().toString(), "--report", report.toString())));
        String text = Files.readString(report);
        assertTrue(text.contains("mAP@0.5"), text);
        double map = number(text, "mAP@0.5 ([0-9.]+)");
        double recall = number(text, "face detection: recall ([0-9.]+)");
        // BlazeFace finds ~96% of these faces (docs/DETECTOR.md); the classifier gets most labels right.
        assertTrue(recall >= 0.85, "face recall " + recall + "\n" + text);
        assertTrue(map >= 0.6, "mAP " + map + "\n" + text);
        assertTrue(text.contains("recall on " + FaceLabel.MASK.wireName()), text);
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
