package io.maskwatch.app.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.maskwatch.alerter.AlerterConfig;
import io.maskwatch.app.CommandTable;
import io.maskwatch.common.cli.Args;
import io.maskwatch.common.cli.Command;
import io.maskwatch.common.config.MaskWatchConfig;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.ingest.IngestSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The documentation cannot drift from the code: command flags, config keys and (in
 * {@link io.maskwatch.app.deploy.DashboardDriftIT}, which runs the services) metric names.
 * {@link DocFiles} and {@link ConfigKeys} define what counts as documented. Each failure names the
 * item and the file:line where it is (or should be) documented.
 */
class DocsDriftTest {
    private final Path root = DocFiles.repoRoot();

    /**
     * For each command: the options its parser takes ("working"), those its --help names, and those
     * a {@code ./maskwatch CMD ... --flag} line documents must be the same set.
     */
    @Test
    void documentedFlagsHelpAndParserAgree() throws Exception {
        Map<String, Command> commands = new TreeMap<>();
        CommandTable.commands().forEach((name, factory) -> commands.put(name, factory.get()));
        List<String> drift = new ArrayList<>();
        Map<String, Set<String>> documented = new TreeMap<>();
        int lines = 0;
        for (DocFiles.Located line : DocFiles.commandLines(root)) {
            String[] words = line.text().split("\\s+");
            if (words.length < 2 || words[1].startsWith("-") || words[1].startsWith("<") || words[1].matches("[A-Z_]+")) {
                continue; // the launcher itself or a placeholder: ./maskwatch --help, ./maskwatch <command>, CMD
            }
            lines++;
            Set<String> flags = DocFiles.flags(line.text());
            flags.remove("help");
            for (String name : words[1].replace("\\|", "|").split("\\|")) {
                Command command = commands.get(name);
                if (command == null) {
                    drift.add(line.where() + ": `" + line.text() + "` names command '" + name
                            + "', which does not exist (commands: " + commands.keySet() + ")");
                    continue;
                }
                documented.computeIfAbsent(name, k -> new TreeSet<>()).addAll(flags);
                Set<String> help = DocFiles.flags(command.usage());
                Set<String> accepted = accepted(name, command);
                for (String flag : flags) {
                    if (!help.contains(flag)) {
                        drift.add(line.where() + ": documents `./maskwatch " + name + " --" + flag
                                + "` but `./maskwatch " + name + " --help` does not mention --" + flag);
                    }
                    if (!accepted.contains(flag)) {
                        drift.add(line.where() + ": documents `./maskwatch " + name + " --" + flag
                                + "` but the command rejects it (it takes " + accepted + ")");
                    }
                }
            }
        }
        assertTrue(lines > 30, "found only " + lines + " ./maskwatch command lines in the docs: is DocFiles broken?");
        for (var e : commands.entrySet()) {
            String name = e.getKey();
            Set<String> help = DocFiles.flags(e.getValue().usage());
            help.remove("help");
            Set<String> accepted = accepted(name, e.getValue());
            for (String flag : accepted) {
                if (!help.contains(flag)) {
                    drift.add(name + ": takes --" + flag + " but `./maskwatch " + name
                            + " --help` does not mention it (add it to its usage())");
                }
                if (!documented.getOrDefault(name, Set.of()).contains(flag)) {
                    drift.add(name + ": takes --" + flag + " but no `./maskwatch " + name + " ... --" + flag
                            + "` line in README.md or docs/*.md documents it");
                }
            }
            for (String flag : help) {
                if (!accepted.contains(flag)) {
                    drift.add(name + ": `./maskwatch " + name + " --help` names --" + flag
                            + ", which the command rejects (it takes " + accepted + ")");
                }
            }
        }
        assertTrue(drift.isEmpty(), "docs and commands drifted:\n  " + String.join("\n  ", drift));
    }

    /** The options a command's parser takes: asked by passing one it cannot know. */
    private static Set<String> accepted(String name, Command command) throws Exception {
        Set<String> known = new TreeSet<>();
        try {
            command.run(List.of("--docs-drift-probe"));
            fail(name + " ran with the unknown option --docs-drift-probe instead of rejecting it");
        } catch (Args.UnknownOptionException e) {
            known.addAll(e.known());
        }
        known.remove("help"); // the launcher answers --help before the command parses
        return known;
    }

    /**
     * The example config documents every key of the config records, and names none they lack;
     * key references in the docs (`detector.tiling.mode`, config tables) exist.
     */
    @Test
    void configKeysOfExampleDocsAndRecordsAgree() {
        assertEquals(new TreeSet<>(MaskWatchConfig.SECTIONS), new TreeSet<>(ConfigKeys.SECTIONS.keySet()),
                "MaskWatchConfig.SECTIONS and the sections ConfigKeys maps to records differ: a section no record "
                        + "binds would be silently ignored");
        Map<String, ConfigKeys.Kind> known = ConfigKeys.fromRecords();
        assertTrue(known.containsKey("detector.tiling.mode") && known.containsKey("cameras[].url"),
                "record walk lost keys: " + known.keySet());
        Path example = root.resolve("config/maskwatch.example.yaml");
        Map<String, Integer> inExample = ConfigKeys.fromYaml(
                ConfigKeys.uncommented(DocFiles.lines(example)), known);
        List<String> drift = new ArrayList<>();
        inExample.forEach((key, line) -> {
            if (!known.containsKey(key)) {
                drift.add("config/maskwatch.example.yaml:" + line + ": key '" + key
                        + "' does not exist in the config records (it would stop the service)");
            }
        });
        known.keySet().forEach(key -> {
            if (!inExample.containsKey(key)) {
                drift.add("config key '" + key + "' exists in the code but config/maskwatch.example.yaml does not "
                        + "show it (add it, commented out if it has no useful default)");
            }
        });
        for (DocFiles.Located span : DocFiles.inlineCode(root)) {
            String text = span.text().strip();
            if (text.matches("(kafka|cameras|ingest|detector|alerter|demo|train)(\\[\\d*])?(\\.[a-z][a-z0-9-]*)+(\\[\\d*])?")
                    && !known.containsKey(ConfigKeys.normalise(text))) {
                drift.add(span.where() + ": `" + text + "` is not a config key");
            }
        }
        for (DocFiles.Located key : DocFiles.configTableKeys(root, ConfigKeys.SECTIONS.keySet())) {
            String k = key.text().endsWith("[]") ? key.text().substring(0, key.text().length() - 2) : key.text();
            if (!known.containsKey(ConfigKeys.normalise(k))) {
                drift.add(key.where() + ": the config table lists '" + key.text() + "', which is not a config key");
            }
        }
        assertTrue(drift.isEmpty(), "docs and config drifted:\n  " + String.join("\n  ", drift));
    }

    /** The example config, commented-out keys included, loads through the real loader and binds. */
    @Test
    void exampleConfigWithEveryKeyUncommentedBinds() {
        String yaml = ConfigKeys.uncommented(DocFiles.lines(root.resolve("config/maskwatch.example.yaml")));
        Map<String, String> env = Map.of("SLACK_WEBHOOK_URL", "https://hooks.example.invalid/T0/B0/x",
                "WEBHOOK_TOKEN", "docs-drift-test-token");
        MaskWatchConfig config = MaskWatchConfig.parse(yaml, env, "config/maskwatch.example.yaml (uncommented)");
        assertEquals(2, config.cameras().size());
        assertTrue(config.kafka().partitions() > 0);
        config.section("ingest", IngestSettings.class, IngestSettings.defaults());
        config.section("detector", DetectorConfig.class, DetectorConfig.defaults());
        AlerterConfig alerter = config.section("alerter", AlerterConfig.class, AlerterConfig.defaults());
        assertEquals(5, alerter.notifications().sinks().size(), "the example's log, slack, webhook and two email sinks");
    }
}
