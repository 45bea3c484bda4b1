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
 * A face-crop dataset: one or more roots laid out as {@code <root>/<split>/<class>/<file>}, each with
 * an optional {@code MANIFEST.tsv} (split, label, file, source_set, ...) naming each crop's source
 * set. Roots are merged: a root may lack a class or a split. The class list is the sorted union of
 * class folder names (or given explicitly), never fixed indexes. Crops of a root without a manifest
 * entry get the source {@code unknown} (one root) or the root's folder name (several roots).
 */
public final class FaceDataset {
    public static final String UNKNOWN_SOURCE = "unknown";

    /** One crop on disk. */
    public record Sample(Path file, int label, String source) {
    }

    /** One data root: its folder, manifest sources and the manifest's SHA-256 (or "unknown"). */
    private record Root(Path dir, Map<String, String> sourceByFile, String manifestSha256, String defaultSource) {
    }

    private final List<Root> roots;
    private final List<String> classes;

    private FaceDataset(List<Root> roots, List<String> classes) {
        this.roots = List.copyOf(roots);
        this.classes = List.copyOf(classes);
    }

    /** Opens one dataset root; see {@link #open(List, List)}. */
    public static FaceDataset open(Path root, List<String> classes) throws IOException {
        return open(List.of(root), classes);
    }

    /**
     * Opens and merges dataset roots.
     *
     * @param classes class folder names in logit order, or null for the sorted union of the
     *                {@code train/} class folders of all roots
     * @throws IllegalArgumentException saying what is missing
     */
    public static FaceDataset open(List<Path> roots, List<String> classes) throws IOException {
        return open(roots, classes, true);
    }

    /**
     * For evaluating a trained model: its classes in logit order; a data set may lack some of them
     * (a 2-class crop set scores a 3-class model on the classes it has).
     */
    public static FaceDataset openForEvaluation(List<Path> roots, List<String> modelClasses) throws IOException {
        return open(roots, modelClasses, false);
    }

    private static FaceDataset open(List<Path> roots, List<String> classes, boolean everyClassNeeded) throws IOException {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("no dataset given; use --data DIR (e.g. ../shared/datasets/face-masks)");
        }
        if (new java.util.HashSet<>(roots.stream().map(p -> p.toAbsolutePath().normalize()).toList()).size() != roots.size()) {
            throw new IllegalArgumentException("the same dataset root is given twice: " + roots);
        }
        java.util.TreeSet<String> found = new java.util.TreeSet<>();
        List<Root> opened = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root.resolve("train")) && !Files.isDirectory(root.resolve("test"))) {
                throw new IllegalArgumentException("dataset " + root + " has neither a train/ nor a test/ folder; expected "
                        + "<data>/{train,test}/<class>/*.jpg (e.g. ../shared/datasets/face-masks)");
            }
            for (String split : List.of("train", "test")) {
                if (Files.isDirectory(root.resolve(split)) && (split.equals("train") || classes != null)) {
                    try (Stream<Path> s = Files.list(root.resolve(split))) {
                        s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).forEach(found::add);
                    }
                }
            }
            opened.add(openRoot(root, roots.size() == 1 ? UNKNOWN_SOURCE
                    : String.valueOf(root.toAbsolutePath().normalize().getFileName())));
        }
        List<String> cls = classes == null ? List.copyOf(found) : classes;
        if (!everyClassNeeded && cls.stream().anyMatch(found::contains)) {
            return new FaceDataset(opened, cls);
        }
        for (String c : cls) {
            if (!found.contains(c)) {
                throw new IllegalArgumentException("class '" + c + "' has no folder " + roots.stream()
                        .map(r -> r.resolve("train").resolve(c).toString()).collect(Collectors.joining(" or "))
                        + "; found " + found);
            }
        }
        if (cls.size() < 2) {
            throw new IllegalArgumentException("need at least two class folders under " + roots.stream()
                    .map(r -> r.resolve("train").toString()).collect(Collectors.joining(", ")) + ", found " + found);
        }
        return new FaceDataset(opened, cls);
    }

    private static Root openRoot(Path root, String defaultSource) throws IOException {
        Map<String, String> sources = new HashMap<>();
        Path manifest = root.resolve("MANIFEST.tsv");
        String sha = "unknown";
        if (Files.isRegularFile(manifest)) {
            sha = MaskClassifier.sha256(manifest);
            List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
            List<String> header = lines.isEmpty() ? List.of() : List.of(lines.get(0).split("\t"));
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
        return new Root(root, sources, sha, defaultSource);
    }

    /** The first root (the only one for a single-root dataset). */
    public Path root() {
        return roots.get(0).dir();
    }

    public List<Path> roots() {
        return roots.stream().map(Root::dir).toList();
    }

    public List<String> classes() {
        return classes;
    }

    /**
     * SHA-256 of the manifest of a single root ("unknown" without one); for several roots, the
     * SHA-256 of their "path TAB manifest-sha" lines, so any change of data or roots changes it.
     */
    public String manifestSha256() {
        if (roots.size() == 1) {
            return roots.get(0).manifestSha256();
        }
        String lines = roots.stream().map(r -> r.dir() + "\t" + r.manifestSha256() + "\n").collect(Collectors.joining());
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(lines.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Per root: path, manifest SHA-256 and crops per class of a split (for the model metadata). */
    public List<Map<String, Object>> describeRoots(String split) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Root r : roots) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", r.dir().toString());
            m.put("manifest_sha256", r.manifestSha256());
            Map<String, Long> counts = new LinkedHashMap<>();
            for (Sample smp : samples(r, split, Set.of())) {
                counts.merge(classes.get(smp.label()), 1L, Long::sum);
            }
            m.put(split + "_crops_by_class", counts);
            out.add(m);
        }
        return out;
    }

    /**
     * All crops of one split, sorted by path (deterministic), optionally only from some source sets.
     *
     * @param sources source-set names to keep, or empty for all
     */
    public List<Sample> samples(String split, Collection<String> sources) throws IOException {
        List<Sample> out = new ArrayList<>();
        for (Root r : roots) {
            out.addAll(samples(r, split, sources));
        }
        return out;
    }

    private List<Sample> samples(Root r, String split, Collection<String> sources) throws IOException {
        Path root = r.dir();
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
                String source = r.sourceByFile().getOrDefault(rel, r.defaultSource());
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
