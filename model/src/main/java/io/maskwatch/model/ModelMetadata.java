package io.maskwatch.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.maskwatch.common.contract.FaceLabel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a trained classifier is: written next to its weights as {@code mask-classifier.json} by
 * training, and checked by {@link MaskClassifier#load} before the weights are trusted.
 *
 * @param formatVersion       version of this JSON layout ({@link #FORMAT_VERSION})
 * @param name                model name, also the weights file prefix
 * @param architecture        network, see {@link MaskNet.Spec}
 * @param classes             wire names of the output classes in logit order (folder names of the dataset)
 * @param inputSize           side of the square network input
 * @param mean                per-channel RGB mean on the 0..1 scale
 * @param std                 per-channel RGB standard deviation on the 0..1 scale
 * @param weightsFile         file name of the parameters, relative to the metadata file
 * @param weightsSha256       SHA-256 of the weights file, hex
 * @param datasetManifestSha256 SHA-256 of the training data's MANIFEST.tsv, hex (or "unknown")
 * @param createdAt           ISO-8601 instant the weights were written
 * @param training            recipe: options, epochs run, seed, throughput
 * @param metrics             evaluation results (validation, test, cross-source)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelMetadata(
        int formatVersion,
        String name,
        MaskNet.Spec architecture,
        List<String> classes,
        int inputSize,
        float[] mean,
        float[] std,
        String weightsFile,
        String weightsSha256,
        String datasetManifestSha256,
        String createdAt,
        Map<String, Object> training,
        Map<String, Object> metrics) {

    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "mask-classifier.json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    public ModelMetadata {
        classes = classes == null ? null : List.copyOf(classes);
        training = training == null ? Map.of() : new LinkedHashMap<>(training);
        metrics = metrics == null ? Map.of() : new LinkedHashMap<>(metrics);
    }

    /**
     * Reads and checks a metadata file.
     *
     * @throws ModelLoadException when the file is missing, not JSON, or describes an unusable model
     */
    public static ModelMetadata read(Path json) {
        ModelMetadata m;
        try {
            m = JSON.readValue(Files.readAllBytes(json), ModelMetadata.class);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("model metadata " + json + " does not exist; train a model with "
                    + "'./maskwatch train --data ../shared/datasets/face-masks --out models/' or point the "
                    + "model directory at a folder holding " + FILE_NAME + " and its weights");
        } catch (IOException e) {
            throw new ModelLoadException("model metadata " + json + " is not valid JSON (" + e.getMessage()
                    + "); restore it from the training run that wrote the weights, or retrain", e);
        }
        List<String> problems = m.problems();
        if (!problems.isEmpty()) {
            throw new ModelLoadException("model metadata " + json + " is unusable: " + String.join("; ", problems)
                    + ". Restore " + FILE_NAME + " from the training run that wrote the weights, or retrain");
        }
        return m;
    }

    public void write(Path json) throws IOException {
        Files.createDirectories(json.toAbsolutePath().getParent());
        Path tmp = json.resolveSibling(json.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, json, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Everything wrong with this metadata, each naming the field; empty when it is usable. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (formatVersion != FORMAT_VERSION) {
            p.add("format_version is " + formatVersion + ", this build reads " + FORMAT_VERSION);
        }
        if (architecture == null) {
            p.add("architecture is missing");
        } else {
            p.addAll(architecture.problems());
        }
        if (classes == null || classes.size() < 2) {
            p.add("classes must list at least two class names, got " + classes);
        } else {
            if (new HashSet<>(classes).size() != classes.size()) {
                p.add("classes contains duplicates: " + classes);
            }
            for (String c : classes) {
                try {
                    FaceLabel.fromWire(c);
                } catch (IllegalArgumentException e) {
                    p.add("classes: " + e.getMessage());
                }
            }
        }
        if (inputSize < 16 || inputSize > 1024) {
            p.add("input_size must be between 16 and 1024, got " + inputSize);
        }
        if (mean == null || mean.length != 3) {
            p.add("mean needs 3 values");
        }
        if (std == null || std.length != 3) {
            p.add("std needs 3 values");
        } else {
            for (float s : std) {
                if (!(s > 0)) {
                    p.add("std values must be positive");
                    break;
                }
            }
        }
        if (weightsFile == null || weightsFile.isBlank() || weightsFile.contains("/") || weightsFile.contains("\\")) {
            p.add("weights_file must be a plain file name, got " + weightsFile);
        }
        if (weightsSha256 == null || !weightsSha256.matches("[0-9a-f]{64}")) {
            p.add("weights_sha256 must be 64 lower-case hex digits, got " + weightsSha256);
        }
        return p;
    }

    public ModelMetadata withMetrics(Map<String, Object> newMetrics) {
        return new ModelMetadata(formatVersion, name, architecture, classes, inputSize, mean, std, weightsFile,
                weightsSha256, datasetManifestSha256, createdAt, training, newMetrics);
    }

    public ModelMetadata withWeights(String file, String sha256, String created) {
        return new ModelMetadata(formatVersion, name, architecture, classes, inputSize, mean, std, file,
                sha256, datasetManifestSha256, created, training, metrics);
    }

    public ModelMetadata withTraining(Map<String, Object> newTraining) {
        return new ModelMetadata(formatVersion, name, architecture, classes, inputSize, mean, std, weightsFile,
                weightsSha256, datasetManifestSha256, createdAt, newTraining, metrics);
    }
}
