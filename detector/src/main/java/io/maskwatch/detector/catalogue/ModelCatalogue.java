package io.maskwatch.detector.catalogue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.maskwatch.detector.catalogue.ModelEntry.ModelFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The pinned detector models ({@code models-catalogue.json}) in preference order, and what of them
 * is installed in a model cache laid out as {@code <cache>/<name>/<file>}.
 *
 * <p>For the detector: {@link #bestInstalled(Path)} and {@link #installedFiles(String, Path)}, with the
 * cache from {@code DetectorConfig.resolvedModelCache}. Installed means present with the pinned SHA-256.
 */
public final class ModelCatalogue {
    public static final String RESOURCE = "/io/maskwatch/detector/catalogue/models-catalogue.json";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final List<ModelEntry> entries;

    public ModelCatalogue(List<ModelEntry> entries) {
        this.entries = List.copyOf(entries);
        List<String> problems = problems(this.entries);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid model catalogue: " + String.join("; ", problems));
        }
    }

    /** The catalogue shipped with this build. */
    public static ModelCatalogue bundled() {
        try (InputStream in = ModelCatalogue.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("model catalogue " + RESOURCE + " missing from the classpath");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model catalogue " + RESOURCE, e);
        }
    }

    /** A catalogue in the format of {@code models-catalogue.json}. */
    public static ModelCatalogue parse(InputStream json) throws IOException {
        return new ModelCatalogue(JSON.readValue(json, Document.class).models());
    }

    /** The first model of the bundled catalogue that is fully installed in {@code cache}. */
    public static Optional<ModelEntry> bestInstalled(Path cache) {
        return bundled().firstInstalled(cache);
    }

    /**
     * The files of a bundled model in {@code cache}, in catalogue order, when all are installed with
     * the pinned checksums; empty otherwise.
     *
     * @throws IllegalArgumentException for a name that is not in the catalogue
     */
    public static List<Path> installedFiles(String name, Path cache) {
        ModelCatalogue c = bundled();
        return c.filesIfInstalled(c.entry(name), cache);
    }

    public List<ModelEntry> entries() {
        return entries;
    }

    public List<String> names() {
        return entries.stream().map(ModelEntry::name).toList();
    }

    /** @throws IllegalArgumentException naming the known models */
    public ModelEntry entry(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no model '" + name + "' in the catalogue; known: " + names()));
    }

    public static Path pathOf(Path cache, ModelEntry entry, ModelFile file) {
        return cache.resolve(entry.name()).resolve(file.name());
    }

    public Optional<ModelEntry> firstInstalled(Path cache) {
        return entries.stream().filter(e -> status(e, cache).state() == State.INSTALLED).findFirst();
    }

    public List<Path> filesIfInstalled(ModelEntry entry, Path cache) {
        Status s = status(entry, cache);
        return s.state() == State.INSTALLED ? s.files().stream().map(FileStatus::path).toList() : List.of();
    }

    /** A catalogue file with this SHA-256, with its model. */
    public Optional<Match> find(String sha256) {
        String want = sha256.toLowerCase(Locale.ROOT);
        for (ModelEntry e : entries) {
            for (ModelFile f : e.files()) {
                if (f.sha256().equals(want)) {
                    return Optional.of(new Match(e, f));
                }
            }
        }
        return Optional.empty();
    }

    /** Checks every file of {@code entry} in {@code cache} (reads and hashes them). */
    public Status status(ModelEntry entry, Path cache) {
        List<FileStatus> out = new ArrayList<>();
        for (ModelFile f : entry.files()) {
            Path p = pathOf(cache, entry, f);
            if (!Files.isRegularFile(p)) {
                out.add(new FileStatus(f, p, FileState.MISSING, null));
                continue;
            }
            try {
                String actual = Sha256.of(p);
                out.add(new FileStatus(f, p, actual.equals(f.sha256()) ? FileState.OK : FileState.CORRUPT, actual));
            } catch (IOException e) {
                out.add(new FileStatus(f, p, FileState.CORRUPT, "unreadable: " + e.getMessage()));
            }
        }
        return new Status(entry, out);
    }

    private static List<String> problems(List<ModelEntry> entries) {
        List<String> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ModelEntry e : entries) {
            if (e.name() == null || !e.name().matches("[a-z0-9][a-z0-9._-]*") || !names.add(e.name())) {
                out.add("model name '" + e.name() + "' must be unique, lower-case letters, digits, '.', '_' or '-'");
            }
            if (e.files().isEmpty()) {
                out.add(e.name() + ": no files");
            }
            for (ModelFile f : e.files()) {
                String id = e.name() + "/" + f.name();
                if (f.name() == null || f.name().isBlank() || f.name().contains("/") || f.name().startsWith(".")) {
                    out.add(id + ": file name must be a plain name");
                }
                if (f.sha256() == null || !SHA256.matcher(f.sha256()).matches()) {
                    out.add(id + ": sha256 must be 64 lower-case hex digits");
                }
                if (f.size() <= 0) {
                    out.add(id + ": size must be > 0");
                }
                if (f.source() == null || (f.source().urls().isEmpty() && !f.source().isNpm())) {
                    out.add(id + ": source needs urls or npm + path");
                } else if (f.source().isNpm() && (f.source().path() == null || f.source().path().isBlank())) {
                    out.add(id + ": an npm source needs the path inside the package");
                }
            }
        }
        return out;
    }

    /** Whole-model state: installed (every file ok), missing (none present), corrupt, incomplete. */
    public enum State {
        INSTALLED("yes"), MISSING("no"), CORRUPT("corrupt"), INCOMPLETE("incomplete");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public enum FileState { OK, MISSING, CORRUPT }

    /** @param actualSha256 what the installed file hashes to (null when missing) */
    public record FileStatus(ModelFile file, Path path, FileState state, String actualSha256) {
    }

    public record Status(ModelEntry entry, List<FileStatus> files) {
        public State state() {
            if (files.stream().anyMatch(f -> f.state() == FileState.CORRUPT)) {
                return State.CORRUPT;
            }
            long ok = files.stream().filter(f -> f.state() == FileState.OK).count();
            return ok == files.size() ? State.INSTALLED : ok == 0 ? State.MISSING : State.INCOMPLETE;
        }
    }

    public record Match(ModelEntry entry, ModelFile file) {
    }

    /** The JSON document; {@code about} is for readers of the file. */
    record Document(int schema, List<String> about, List<ModelEntry> models) {
    }
}
