package io.maskwatch.app.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The documentation the drift tests hold to the code, and what counts as "documented" in it.
 *
 * <ul>
 *   <li><b>Files</b>: README.md, docs/*.md, models/README.md.</li>
 *   <li><b>Command lines</b>: {@code ./maskwatch CMD ...} inside a fenced code block (one line, with
 *       {@code \} continuations, up to a {@code #} comment) or inside one inline code span. CMD may
 *       list alternatives ({@code analyze|eval|crops}); every {@code --flag} after it is documented
 *       for each of them. {@code ./maskwatch <command>}, {@code ./maskwatch CMD} (upper case: a placeholder)
 *       and {@code ./maskwatch --help} name no command.</li>
 *   <li><b>Metric names</b>: any {@code maskwatch_[a-z0-9_]+} word, in code or prose.</li>
 *   <li><b>Config keys</b>: the example config (see {@link ConfigKeys}), inline code spans that
 *       start with a section ({@code detector.tiling.mode}), and the first column of the
 *       "key" tables under a heading naming a section ({@code ## Configuration (`detector:` section)}).</li>
 * </ul>
 */
public final class DocFiles {
    /** A piece of documentation text and where it is ("docs/DETECTOR.md:32"). */
    public record Located(String where, String text) {
    }

    private static final Pattern INLINE_CODE = Pattern.compile("`([^`\\n]+)`");
    static final Pattern FLAG = Pattern.compile("(?<![\\w-])--([a-z][a-z0-9-]*)");
    private static final Pattern METRIC = Pattern.compile("(?<![A-Za-z0-9_.:])maskwatch_[a-z0-9_]*[a-z0-9](?![A-Za-z0-9_])");

    private DocFiles() {
    }

    /** The repository root: the first directory upwards holding README.md, docs/ and config/. */
    public static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("docs"))
                    && Files.isRegularFile(p.resolve("config/maskwatch.example.yaml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (README.md, docs/, config/) from "
                + Path.of("").toAbsolutePath());
    }

    /** The documentation files, relative to the repository root. */
    public static List<Path> files(Path root) {
        List<Path> out = new ArrayList<>();
        out.add(root.resolve("README.md"));
        try (Stream<Path> s = Files.list(root.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path models = root.resolve("models/README.md");
        if (Files.exists(models)) {
            out.add(models);
        }
        return out;
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Every {@code ./maskwatch ...} command line, from {@code ./maskwatch} to its end. */
    public static List<Located> commandLines(Path root) {
        List<Located> out = new ArrayList<>();
        for (Path f : files(root)) {
            String rel = root.relativize(f).toString();
            List<String> lines = lines(f);
            boolean fenced = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.strip().startsWith("```")) {
                    fenced = !fenced;
                    continue;
                }
                String where = rel + ":" + (i + 1);
                if (fenced) {
                    StringBuilder joined = new StringBuilder(stripComment(line));
                    while (joined.toString().stripTrailing().endsWith("\\") && i + 1 < lines.size()) {
                        String j = joined.toString().stripTrailing();
                        joined.setLength(0);
                        joined.append(j, 0, j.length() - 1).append(' ').append(stripComment(lines.get(++i)));
                    }
                    addCommands(where, joined.toString(), out);
                } else {
                    Matcher m = INLINE_CODE.matcher(line);
                    while (m.find()) {
                        addCommands(where, m.group(1), out);
                    }
                }
            }
        }
        return out;
    }

    private static String stripComment(String line) {
        Matcher m = Pattern.compile("(^|\\s)#").matcher(line);
        return m.find() ? line.substring(0, m.start()) : line;
    }

    private static void addCommands(String where, String text, List<Located> out) {
        int at = text.indexOf("./maskwatch");
        while (at >= 0) {
            int next = text.indexOf("./maskwatch", at + 1);
            String cmd = text.substring(at + "./maskwatch".length(), next < 0 ? text.length() : next);
            // a shell operator ends the command (a pipe between words, not "a|b" alternatives)
            cmd = cmd.split(" \\| | && | ; |;$")[0];
            out.add(new Located(where, "./maskwatch" + cmd.stripTrailing()));
            at = next;
        }
    }

    /** Every metric name mentioned anywhere in the documentation. */
    public static List<Located> metricNames(Path root) {
        List<Located> out = new ArrayList<>();
        for (Path f : files(root)) {
            String rel = root.relativize(f).toString();
            List<String> lines = lines(f);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = METRIC.matcher(lines.get(i));
                while (m.find()) {
                    out.add(new Located(rel + ":" + (i + 1), m.group()));
                }
            }
        }
        return out;
    }

    /** Inline code spans, for config key references. */
    public static List<Located> inlineCode(Path root) {
        List<Located> out = new ArrayList<>();
        for (Path f : files(root)) {
            String rel = root.relativize(f).toString();
            List<String> lines = lines(f);
            boolean fenced = false;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).strip().startsWith("```")) {
                    fenced = !fenced;
                    continue;
                }
                if (!fenced) {
                    Matcher m = INLINE_CODE.matcher(lines.get(i));
                    while (m.find()) {
                        out.add(new Located(rel + ":" + (i + 1), m.group(1)));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Keys in the first column of "key" tables under a heading that names a section in backticks
     * ({@code ## Configuration: the `ingest` section}), made absolute ({@code ingest.motion.enabled});
     * {@code .overlap} after {@code tiling.tile-size} means {@code tiling.overlap}.
     */
    public static List<Located> configTableKeys(Path root, java.util.Set<String> sections) {
        List<Located> out = new ArrayList<>();
        Pattern heading = Pattern.compile("^#+ .*[Cc]onfiguration.*?`([a-z-]+):?`");
        for (Path f : files(root)) {
            String rel = root.relativize(f).toString();
            List<String> lines = lines(f);
            String section = null;
            boolean inKeyTable = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("#")) {
                    Matcher h = heading.matcher(line);
                    section = h.find() && sections.contains(h.group(1)) ? h.group(1) : null;
                    inKeyTable = false;
                    continue;
                }
                if (section == null) {
                    continue;
                }
                if (line.startsWith("| key |")) {
                    inKeyTable = true;
                    continue;
                }
                if (!line.startsWith("|")) {
                    inKeyTable = false;
                    continue;
                }
                if (!inKeyTable || line.startsWith("|---")) {
                    continue;
                }
                String first = line.split("\\|")[1];
                Matcher m = INLINE_CODE.matcher(first);
                String previous = null;
                while (m.find()) {
                    String key = m.group(1);
                    if (key.startsWith(".") && previous != null && previous.contains(".")) {
                        key = previous.substring(0, previous.lastIndexOf('.')) + key;
                    }
                    out.add(new Located(rel + ":" + (i + 1), section + "." + key));
                    previous = key;
                }
            }
        }
        return out;
    }

    /** The flags ({@code --name}, without dashes) in a piece of text. */
    public static java.util.Set<String> flags(String text) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        Matcher m = FLAG.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
