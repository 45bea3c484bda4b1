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
import java.util.Optional;

/**
 * The registry of face detector backends. Resolves and checks a backend's model files, so that a
 * missing or wrong file is a start-up error naming the key, the path and how to get the file, then
 * builds the detector with the configured wrappers (tiles, box adjustment, minimum size).
 */
public final class FaceBackends {
    public static final String BLAZEFACE = "blazeface";
    /** The default: the best backend whose model files are present (model catalogue order). */
    public static final String AUTO = "auto";
    public static final String BLAZEFACE_FILE = "face_detection_back_256x256_barracuda.onnx";

    /** Every backend; adding one is adding its class here. */
    public static final List<FaceBackend> ALL = List.of(
            new BlazeFaceBackend(), new Res10Backend(), new YuNetBackend(), new UltraFaceBackend(), new RetinaFaceBackend(),
            new RetinaUltraFaceBackend());

    /** Backend names, in registry order. */
    public static final List<String> NAMES = ALL.stream().map(FaceBackend::name).toList();

    private FaceBackends() {
    }

    public static Optional<FaceBackend> find(String name) {
        return ALL.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /** The named backend, or a configuration error listing the known ones. */
    public static FaceBackend get(String name) {
        return find(name).orElseThrow(() -> new ConfigException(
                "detector.backend '" + name + "' is unknown; expected one of " + NAMES));
    }

    /** What {@link #resolve} chose, and whether a better backend was passed over for lack of its files. */
    public record Choice(DetectorConfig config, boolean automatic, List<String> betterMissing) {
        /** A line for the log: which backend runs and, for a fallback, what would be better and how to get it. */
        public String describe() {
            String name = config.backend();
            if (!automatic) {
                return "face detector: " + name + " (detector.backend)";
            }
            if (betterMissing.isEmpty()) {
                return "face detector: " + name + " (auto: the best in the model catalogue)";
            }
            return "face detector: " + name + " (auto) is a weaker fallback: " + String.join(", ", betterMissing)
                    + " would find more faces (docs/DETECTOR.md); install with './maskwatch models fetch "
                    + catalogueNames(betterMissing.get(0)) + "' or, offline, './maskwatch models import FILE'";
        }
    }

    /**
     * Replaces backend {@value #AUTO} with the first backend, in the model catalogue's preference
     * order, whose model files are present (explicit key or model cache); other configs come back
     * unchanged.
     *
     * @throws ConfigException when no backend has its files, saying how to install the best one
     */
    public static Choice resolve(DetectorConfig c, Map<String, String> env) {
        if (!AUTO.equals(c.backend())) {
            return new Choice(c, false, List.of());
        }
        List<String> missing = new ArrayList<>();
        for (String name : preferenceOrder()) {
            DetectorConfig candidate = c.withBackend(name);
            try {
                check(candidate, env);
                return new Choice(candidate, true, List.copyOf(missing));
            } catch (ConfigException e) {
                missing.add(name);
            }
        }
        throw new ConfigException("detector.backend is auto but no face detector model is installed in "
                + c.resolvedModelCache(env) + " (nor set by a detector.*-model key); install the best one with "
                + "'./maskwatch models fetch " + catalogueNames(preferenceOrder().get(0)) + "' or, offline, "
                + "'./maskwatch models import FILE' (README, Installing models)");
    }

    /** Backend names, best first: the model catalogue's order, then any backend it does not list. */
    public static List<String> preferenceOrder() {
        List<String> catalogue = io.maskwatch.detector.catalogue.ModelCatalogue.bundled().names();
        List<String> order = new ArrayList<>(catalogue);
        order.retainAll(NAMES);
        // A combination of catalogue models (retinaface+ultraface) finds more faces than its members
        // (docs/DETECTOR.md, real scenes), so it goes just before the first of them.
        for (String n : NAMES) {
            List<String> parts = List.of(n.split("\\+"));
            if (parts.size() > 1 && catalogue.containsAll(parts)) {
                order.add(order.indexOf(parts.get(0)), n);
            }
        }
        NAMES.stream().filter(n -> !order.contains(n)).forEach(order::add);
        return order;
    }

    /** The catalogue names to fetch for a backend: its own, or its members' for a combination. */
    public static String catalogueNames(String backend) {
        return backend.replace('+', ' ');
    }

    /** Every model-file config key of every backend (e.g. yunet-model), for the config and the command line. */
    public static List<String> modelKeys() {
        return ALL.stream().flatMap(b -> b.modelFiles().stream()).map(FaceBackend.ModelFile::key).distinct().toList();
    }

    /** The files a backend will load, checked. */
    public record ModelFiles(String backend, List<Path> files) {
    }

    /**
     * Resolves and checks the backend's files: the file named by its key, else the model cache's
     * {@code <backend>/<file>}.
     *
     * @throws ConfigException naming the key, the path and how to obtain the file
     */
    public static ModelFiles check(DetectorConfig c, Map<String, String> env) {
        if (AUTO.equals(c.backend())) {
            c = resolve(c, env).config();
        }
        FaceBackend backend = get(c.backend());
        Path cache = c.resolvedModelCache(env);
        List<String> problems = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (FaceBackend.ModelFile mf : backend.modelFiles()) {
            String value = c.modelFile(mf.key());
            boolean explicit = value != null && !value.isBlank();
            Path p = explicit ? DetectorConfig.resolveHome(value) : cache.resolve(backend.cacheFolder(mf)).resolve(mf.fileName());
            String problem = checkFile(p, mf);
            if (problem != null) {
                String key = "detector." + mf.key();
                String where = explicit ? key + ": " + p + " " + problem
                        : key + " is not set and the model cache file " + p + " " + problem;
                problems.add(where + "; run " + mf.obtain() + (explicit ? "" : ", or set " + key + " to the file's path")
                        + " (model cache: detector.model-cache-dir, else MASKWATCH_MODEL_CACHE, else ~/.cache/maskwatch/models)");
            }
            files.add(p);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new ModelFiles(backend.name(), List.copyOf(files));
    }

    /** A detector for one inference thread; call {@link #check} once first for clear errors. */
    public static FaceDetector create(DetectorConfig c, Map<String, String> env) {
        return create(c, env, true);
    }

    /**
     * As {@link #create(DetectorConfig, Map)}; {@code landmarkBoxModel} false leaves out the backend's
     * landmark box correction (to fit a new one on the boxes it would correct).
     */
    public static FaceDetector create(DetectorConfig c, Map<String, String> env, boolean landmarkBoxModel) {
        c = resolve(c, env).config();
        ModelFiles files = check(c, env);
        FaceBackend backend = get(c.backend());
        FaceDetector d;
        try {
            d = backend.open(files.files(), c);
        } catch (ConfigException e) {
            throw e; // already says what to change
        } catch (RuntimeException e) {
            // The engine's own message (e.g. "Failed to parse ONNX model") plus what we tried to load.
            String engine = backend.usesInferenceEngine() && c.engine() == InferenceEngine.ONNXRUNTIME ? "ONNX Runtime" : "OpenCV";
            throw new ConfigException("detector." + c.backend() + ": " + engine + " cannot load " + files.files() + ": "
                    + firstLine(e.getMessage()) + " (is it the right, complete file?)");
        }
        d = backend.boxCalibration().wrap(d);
        if (landmarkBoxModel && backend.landmarkBoxModel().isPresent()) {
            d = backend.landmarkBoxModel().get().wrap(d);
        }
        if (c.tiling().activeFor(c.backend())) {
            d = new TiledFaceDetector(d, c.tiling());
        }
        return c.minFaceSize() > 0 ? new MinSizeFilter(d, c.minFaceSize()) : d;
    }

    /** @return null when the file looks like the expected model, else what is wrong */
    private static String checkFile(Path p, FaceBackend.ModelFile mf) {
        if (!Files.exists(p)) {
            return "does not exist";
        }
        if (!Files.isRegularFile(p)) {
            return "is not a file";
        }
        if (!Files.isReadable(p)) {
            return "is not readable";
        }
        try (InputStream in = Files.newInputStream(p)) {
            byte[] head = in.readNBytes(256);
            if (mf.format() == FaceBackend.Format.TEXT) {
                return isText(head) ? null : "is not " + mf.kind();
            }
            if (Files.size(p) < 1024) {
                return "is too small (" + Files.size(p) + " bytes) to be " + mf.kind() + " (truncated download?)";
            }
            // ONNX and TensorFlow graphs start with protobuf field 1 (tag 0x08) or 1-length-delimited (0x0a).
            int b = head.length == 0 ? -1 : head[0] & 0xff;
            if (b != 0x08 && b != 0x0a) {
                return "is not " + mf.kind() + " (it does not start like a protobuf file)";
            }
        } catch (IOException e) {
            return "cannot be read: " + e.getMessage();
        }
        return null;
    }

    private static boolean isText(byte[] head) {
        for (byte b : head) {
            if (b < 0x09 || (b > 0x0d && b < 0x20)) {
                return false;
            }
        }
        return head.length > 0;
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
