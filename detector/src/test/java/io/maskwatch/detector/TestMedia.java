package io.maskwatch.detector;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.maskwatch.detector.analyze.MediaInputs;
import io.maskwatch.detector.eval.ClipVocSet;
import io.maskwatch.detector.face.FaceBackends;
import io.maskwatch.detector.frame.Jpeg;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.opencv.opencv_core.Mat;

/** Real media for tests: clips from ../shared (skipped when absent), model files, the classifier. */
public final class TestMedia {
    private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

    private TestMedia() {
    }

    /** four-people-masks-on-off frame 0: the four faces (hand-checked, clips-ground-truth.tsv). */
    public static final List<io.maskwatch.common.contract.Box> FOUR_PEOPLE_0 = List.of(
            new io.maskwatch.common.contract.Box(224, 150, 303, 262), new io.maskwatch.common.contract.Box(550, 201, 627, 302),
            new io.maskwatch.common.contract.Box(698, 223, 790, 347), new io.maskwatch.common.contract.Box(415, 283, 500, 398));
    /** The painting behind them (the Mona Lisa: a face detectors may rightly report). */
    public static final io.maskwatch.common.contract.Box PAINTING = new io.maskwatch.common.contract.Box(440, 60, 530, 230);

    /** Every person of frame 0 found once; nothing else but possibly the painted face. */
    public static void assertFourPeople(List<io.maskwatch.common.contract.Box> found) {
        for (var truth : FOUR_PEOPLE_0) {
            long n = found.stream().filter(b -> b.iou(truth) > 0.5).count();
            org.junit.jupiter.api.Assertions.assertEquals(1, n, "face at " + truth + " found " + n + " times in " + found);
        }
        for (var b : found) {
            boolean person = FOUR_PEOPLE_0.stream().anyMatch(t -> t.iou(b) > 0.5);
            boolean painting = b.x1() >= PAINTING.x1() && b.x2() <= PAINTING.x2() && b.y1() >= PAINTING.y1()
                    && b.y2() <= PAINTING.y2();
            org.junit.jupiter.api.Assertions.assertTrue(person || painting, "unexpected face " + b + " in " + found);
        }
    }

    public static Path shared() {
        Path p = ClipVocSet.sharedDir();
        assumeTrue(Files.isDirectory(p.resolve("videos")), "../shared/videos not found at " + p
                + " (set -Dmaskwatch.shared.dir or MASKWATCH_SHARED_DIR); skipping tests on real clips");
        return p;
    }

    public static Path video(String clip) {
        Path v = shared().resolve("videos").resolve(clip + ".mp4");
        assumeTrue(Files.isRegularFile(v), v + " not found; skipping");
        return v;
    }

    /** JPEG (q90) of frame {@code index} of a clip, cached across tests. */
    public static byte[] jpeg(String clip, int index) {
        return CACHE.computeIfAbsent(clip + "#" + index, k -> {
            List<byte[]> out = new ArrayList<>();
            try {
                MediaInputs.readVideo(video(clip), 1, item -> {
                    if (item.source().endsWith("#" + index)) {
                        out.add(Jpeg.encode(item.image(), 90));
                    }
                    item.image().close();
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(clip + " has no frame " + index);
            }
            return out.get(0);
        });
    }

    public static Mat frame(String clip, int index) {
        return Jpeg.decode(jpeg(clip, index));
    }

    public static Path res10Model() {
        Path p = shared().resolve("models/opencv_face_detector_uint8.pb");
        assumeTrue(Files.isRegularFile(p), p + " not found; skipping res10 tests");
        return p;
    }

    public static Path res10Config() {
        Path p = shared().resolve("models/opencv_face_detector.pbtxt");
        assumeTrue(Files.isRegularFile(p), p + " not found; skipping res10 tests");
        return p;
    }

    public static Path yunetModel() {
        Path p = shared().resolve("models/face_detection_yunet_2026may.onnx");
        assumeTrue(Files.isRegularFile(p), p + " not found; skipping YuNet tests");
        return p;
    }

    /** A third-party model file of ../shared/models (the test skips when it is absent). */
    public static Path sharedModel(String file) {
        Path p = shared().resolve("models").resolve(file);
        assumeTrue(Files.isRegularFile(p), p + " not found; skipping tests that need it");
        return p;
    }

    /** Detector config for a backend with the files from ../shared; BlazeFace skips when not fetched. */
    public static DetectorConfig config(String backend) {
        Path models = Path.of(System.getProperty("maskwatch.project.dir", "..")).resolve(DetectorConfig.DEFAULT_MODELS_DIR);
        DetectorConfig c = DetectorConfig.defaults().withBackend(backend).withModelsDir(models.toAbsolutePath().toString());
        switch (backend) {
            case FaceBackends.BLAZEFACE -> {
                Path cache = c.resolvedModelCache(System.getenv()).resolve("blazeface").resolve(FaceBackends.BLAZEFACE_FILE);
                assumeTrue(Files.isRegularFile(cache), "BlazeFace model not in the models cache (" + cache
                        + "); run scripts/fetch-models.sh to enable the BlazeFace tests");
            }
            case "res10" -> c = c.withModelFiles(res10Model().toString(), res10Config().toString(), "");
            case "yunet" -> c = c.withModelFiles("", "", yunetModel().toString());
            case "ultraface" -> c = c.with("ultraface-model", sharedModel("ultraface-RFB-640-masked_face-v2.onnx").toString());
            case "retinaface" -> c = c.with("retinaface-model", sharedModel("retinaface-mobilenet0.25.onnx").toString());
            case "retinaface+ultraface" -> c = c.with("retinaface-model", sharedModel("retinaface-mobilenet0.25.onnx").toString())
                    .with("ultraface-model", sharedModel("ultraface-RFB-640-masked_face-v2.onnx").toString());
            default -> throw new IllegalArgumentException(backend);
        }
        return c;
    }

    /** Command-line options naming every model file of a backend from ../shared ({@code --retinaface-model F ...}). */
    public static java.util.List<String> modelArgs(String backend) {
        DetectorConfig c = config(backend);
        java.util.List<String> args = new java.util.ArrayList<>();
        for (io.maskwatch.detector.face.FaceBackend.ModelFile f : FaceBackends.get(backend).modelFiles()) {
            args.add("--" + f.key());
            args.add(c.modelFile(f.key()));
        }
        return args;
    }

    /** {@code a} then {@code b}. */
    public static java.util.List<String> plus(java.util.List<String> a, java.util.List<String> b) {
        java.util.List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The committed classifier directory (models/mask-classifier at the project root). */
    public static Path classifierDir() {
        String project = System.getProperty("maskwatch.project.dir", "..");
        Path dir = Path.of(project).resolve(DetectorConfig.DEFAULT_MODELS_DIR);
        assumeTrue(Files.isRegularFile(dir.resolve("mask-classifier.json")),
                "no classifier at " + dir + "; skipping tests that classify");
        return dir.toAbsolutePath();
    }
}
