package io.maskwatch.model.training;

import io.maskwatch.model.MaskClassifier;
import io.maskwatch.model.RgbImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A face-crop dataset laid out as {@code <root>/<split>/<class>/<file>}, with an optional
 * {@code MANIFEST.tsv} (split, label, file, source_set, ...) naming each crop's source set.
 * The class list is the sorted set of class folder names (or given explicitly), never fixed indexes.
 */
public final class FaceDataset {
    public static final String UNKNOWN_SOURCE = "unknown";

    /** One crop on disk. */
    public record Sample(Path file, int label, String source) {
    }

    private final Path root;
    private final List<String> classes;
    private final Map<String, String> sourceByFile;
    private final String manifestSha256;

    private FaceDataset(Path root, List<String> classes, Map<String, String> sourceByFile, String manifestSha256) {
        this.root = root;
        this.classes = List.copyOf(classes);
        this.sourceByFile = sourceByFile;
        this.manifestSha256 = manifestSha256;
    }

    /**
     * Opens a dataset root.
     *
     * @param classes class folder names in logit order, or null to use the sorted folders of {@code train/}
     * @throws IllegalArgumentException saying what is missing
     */
    public static FaceDataset open(Path root, List<String> classes) throws IOException {
        if (!Files.isDirectory(root.resolve("train"))) {
            throw new IllegalArgumentException("dataset " + root + " has no train/ folder; expected "
                    + "<data>/{train,test}/<class>/*.jpg (e.g. ../shared/datasets/face-masks)");
        }
        List<String> found;
        try (Stream<Path> s = Files.list(root.resolve("train"))) {
            found = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<String> cls = classes == null ? found : classes;
        for (String c : cls) {
            if (!found.contains(c)) {
                throw new IllegalArgumentException("class '" + c + "' has no folder " + root.resolve("train").resolve(c)
                        + "; found " + found);
            }
        }
        if (cls.size() < 2) {
            throw new IllegalArgumentException("need at least two class folders under " + root.resolve("train")
                    + ", found " + found);
        }
        Map<String, String> sources = new HashMap<>();
        Path manifest = root.resolve("MANIFEST.tsv");
        String sha = "unknown";
        if (Files.isRegularFile(manifest)) {
            sha = MaskClassifier.sha256(manifest);
            List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
            List<String> header = List.of(lines.get(0).split("\t"));
            int fileCol = header.indexOf("file");
            int srcCol = header.indexOf("source_set");
            if (fileCol < 0 || srcCol < 0) {
                throw new IllegalArgumentException(manifest + " needs columns 'file' and 'source_set', has " + header);
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split("\t");
                if (f.length > Math.max(fileCol, srcCol)) {
                    sources.put(f[fileCol], f[srcCol]);
                }
            }
        }
        return new FaceDataset(root, cls, sources, sha);
    }

    public Path root() {
        return root;
    }

    public List<String> classes() {
        return classes;
    }

    public String manifestSha256() {
        return manifestSha256;
    }

    /**
     * All crops of one split, sorted by path (deterministic), optionally only from some source sets.
     *
     * @param sources source-set names to keep, or empty for all
     */
    public List<Sample> samples(String split, Collection<String> sources) throws IOException {
        List<Sample> out = new ArrayList<>();
        for (int label = 0; label < classes.size(); label++) {
            Path dir = root.resolve(split).resolve(classes.get(label));
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> isImage(p.getFileName().toString())).sorted(Comparator.naturalOrder()).toList();
            }
            for (Path p : files) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                String source = sourceByFile.getOrDefault(rel, UNKNOWN_SOURCE);
                if (sources.isEmpty() || sources.contains(source)) {
                    out.add(new Sample(p, label, source));
                }
            }
        }
        return out;
    }

    private static boolean isImage(String name) {
        String n = name.toLowerCase();
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png") || n.endsWith(".bmp");
    }

    /** Train/validation split, stratified by (source set, class) so validation covers every source. */
    public record Split(List<Sample> train, List<Sample> validation) {
    }

    public static Split splitValidation(List<Sample> samples, double fraction, long seed) {
        Map<String, List<Sample>> groups = samples.stream().collect(
                Collectors.groupingBy(s -> s.source() + "/" + s.label(), LinkedHashMap::new, Collectors.toList()));
        List<Sample> train = new ArrayList<>();
        List<Sample> val = new ArrayList<>();
        Random r = new Random(seed);
        for (List<Sample> g : groups.values()) {
            List<Sample> shuffled = new ArrayList<>(g);
            java.util.Collections.shuffle(shuffled, r);
            int nVal = (int) Math.round(g.size() * fraction);
            val.addAll(shuffled.subList(0, nVal));
            train.addAll(shuffled.subList(nVal, shuffled.size()));
        }
        return new Split(train, val);
    }

    /** Decodes crops into memory with a progress line; an undecodable file is an error naming it. */
    public static List<RgbImage> decodeAll(List<Sample> samples, String what) {
        List<RgbImage> images = new ArrayList<>(samples.size());
        long start = System.nanoTime();
        for (int i = 0; i < samples.size(); i++) {
            try {
                images.add(RgbImage.read(samples.get(i).file()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read crop " + samples.get(i).file() + ": " + e.getMessage(), e);
            }
            if ((i + 1) % 2000 == 0 || i + 1 == samples.size()) {
                System.err.printf("  decoded %s %d/%d (%.0f s)%n", what, i + 1, samples.size(),
                        (System.nanoTime() - start) / 1e9);
            }
        }
        return images;
    }

    public static Map<String, Long> countBySource(List<Sample> samples) {
        return samples.stream().collect(Collectors.groupingBy(Sample::source, java.util.TreeMap::new, Collectors.counting()));
    }

    public static Set<String> parseSources(String csv) {
        if (csv == null || csv.isBlank()) {
            return Set.of();
        }
        return Stream.of(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }
}
