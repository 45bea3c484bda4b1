package io.maskwatch.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trained mask classifier, ready for inference: validated metadata, the shared
 * {@link FacePreprocessor}, and the network. {@link #classify} runs all crops in one forward pass.
 * Thread-safe: calls are serialised (PyTorch already uses every core for one batch, so parallel
 * callers would gain nothing); batch crops instead of calling from many threads.
 */
public final class MaskClassifier implements AutoCloseable {
    public static final String ENGINE = "PyTorch";
    private static final String TRAIN_HINT = "./maskwatch train --data ../shared/datasets/face-masks --out models/";

    private final ModelMetadata metadata;
    private final FacePreprocessor preprocessor;
    private final NDManager manager;
    private final MaskNet net;
    private boolean closed;

    private MaskClassifier(ModelMetadata metadata, NDManager manager, MaskNet net) {
        this.metadata = metadata;
        this.preprocessor = FacePreprocessor.of(metadata);
        this.manager = manager;
        this.net = net;
    }

    /**
     * Loads {@code modelDir/mask-classifier.json} and the weights it names, after checking the
     * weights' SHA-256 against the metadata.
     *
     * @throws ModelLoadException saying what is missing or wrong and how to fix it
     */
    public static MaskClassifier load(Path modelDir) {
        if (modelDir == null || !Files.isDirectory(modelDir)) {
            throw new ModelLoadException("model directory " + modelDir + " does not exist. It should hold "
                    + ModelMetadata.FILE_NAME + " and the weights; use the committed models/mask-classifier/ "
                    + "of the MaskWatch checkout, or train one with '" + TRAIN_HINT + "'");
        }
        Path json = modelDir.resolve(ModelMetadata.FILE_NAME);
        if (!Files.isRegularFile(json)) {
            throw new ModelLoadException("model directory " + modelDir + " has no " + ModelMetadata.FILE_NAME
                    + ". Point the model directory at the folder written by training (models/mask-classifier/), "
                    + "or train one with '" + TRAIN_HINT + "'");
        }
        ModelMetadata metadata = ModelMetadata.read(json);
        Path weights = modelDir.resolve(metadata.weightsFile());
        if (!Files.isRegularFile(weights)) {
            throw new ModelLoadException("weights file " + weights + " named by " + json + " is missing. "
                    + "Copy it from the training run that wrote the metadata (if the repository was cloned "
                    + "without large files, fetch them), or retrain with '" + TRAIN_HINT + "'");
        }
        String sha = sha256(weights);
        if (!sha.equals(metadata.weightsSha256())) {
            throw new ModelLoadException("weights file " + weights + " has SHA-256 " + sha + " but " + json
                    + " expects " + metadata.weightsSha256() + ": the weights and the metadata come from "
                    + "different training runs or the file is damaged. Copy both files from the same run, "
                    + "or retrain with '" + TRAIN_HINT + "'");
        }
        NDManager manager = NDManager.newBaseManager(Device.cpu(), ENGINE);
        try {
            MaskNet net = new MaskNet(metadata.architecture(), metadata.classes().size());
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, metadata.inputSize(), metadata.inputSize()));
            Map<String, Shape> expected = new LinkedHashMap<>();
            net.getParameters().forEach(p -> expected.put(p.getKey(), p.getValue().getArray().getShape()));
            try (InputStream in = new BufferedInputStream(Files.newInputStream(weights))) {
                net.loadParameters(manager, new DataInputStream(in));
                if (in.read() != -1) {
                    throw new IOException("the file has data after the last parameter");
                }
            }
            // DJL replaces parameter arrays without comparing shapes; a mismatch must not load silently.
            for (var p : net.getParameters()) {
                Shape got = p.getValue().getArray().getShape();
                if (!got.equals(expected.get(p.getKey()))) {
                    throw new IOException("parameter " + p.getKey() + " has shape " + got + ", expected "
                            + expected.get(p.getKey()));
                }
            }
            return new MaskClassifier(metadata, manager, net);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            manager.close();
            throw new ModelLoadException("weights file " + weights + " does not fit the network described in "
                    + json + " (" + metadata.architecture() + ", " + metadata.classes().size() + " classes): "
                    + e.getMessage() + ". Copy both files from the same training run, or retrain with '"
                    + TRAIN_HINT + "'", e);
        }
    }

    /** Lower-case hex SHA-256 of a file. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Class wire names in output order, e.g. {@code [mask, no_mask]}. */
    public List<String> classes() {
        return metadata.classes();
    }

    public int inputSize() {
        return metadata.inputSize();
    }

    /** {@code mask-classifier@<first 12 hex digits of the weights' SHA-256>}. */
    public String modelId() {
        return metadata.name() + "@" + metadata.weightsSha256().substring(0, 12);
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public FacePreprocessor preprocessor() {
        return preprocessor;
    }

    /**
     * Classifies face crops of any size in one batch.
     *
     * @param withCam also compute each crop's class activation map for its predicted class
     * @return one result per crop, same order; empty for an empty list
     */
    public synchronized List<Classification> classify(List<RgbImage> faceCrops, boolean withCam) {
        if (closed) {
            throw new IllegalStateException("classifier is closed");
        }
        if (faceCrops.isEmpty()) {
            return List.of();
        }
        try (NDManager batch = manager.newSubManager()) {
            NDArray input = preprocessor.toBatch(batch, faceCrops);
            NDList out = net.forwardWithFeatures(new ParameterStore(batch, false), new NDList(input), false);
            NDArray logitsArr = out.get(0);
            float[] logits = logitsArr.toFloatArray();
            float[] probs = logitsArr.softmax(1).toFloatArray();
            int k = net.numClasses();
            float[] cams = null;
            int h = 0;
            int w = 0;
            if (withCam) {
                NDArray feats = out.get(1);
                h = (int) feats.getShape().get(2);
                w = (int) feats.getShape().get(3);
                cams = ClassActivationMaps.contrastive(feats, net.classifierWeight()).toFloatArray();
            }
            List<Classification> results = new ArrayList<>(faceCrops.size());
            for (int n = 0; n < faceCrops.size(); n++) {
                float[] l = new float[k];
                float[] p = new float[k];
                System.arraycopy(logits, n * k, l, 0, k);
                System.arraycopy(probs, n * k, p, 0, k);
                int best = 0;
                for (int i = 1; i < k; i++) {
                    if (l[i] > l[best]) {
                        best = i;
                    }
                }
                ClassActivationMap cam = null;
                if (cams != null) {
                    float[] raw = new float[h * w];
                    System.arraycopy(cams, (n * k + best) * h * w, raw, 0, h * w);
                    cam = ClassActivationMaps.normalised(w, h, raw);
                }
                results.add(new Classification(p, l, best, cam));
            }
            return results;
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }
}
