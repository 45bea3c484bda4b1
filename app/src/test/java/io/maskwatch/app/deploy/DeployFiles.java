package io.maskwatch.app.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskwatch.common.config.MaskWatchConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reading the deployment files of the repository the way their tools do. */
final class DeployFiles {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Default HTTP port of each service (/metrics, /health/*): the services' http-port defaults. */
    static final Map<String, Integer> SERVICE_PORTS = Map.of("alerter", 8080, "ingest", 8081, "detector", 8082);

    /**
     * Keys of the service sections that the deployment files set (file or environment). Only
     * kafka and cameras are bound to real records here; the service sections' records arrive with
     * the services, and the integrator replaces this list by binding them
     * (TODO after merge: config.section("detector", DetectorConfig.class, DetectorConfig.defaults()), ...).
     */

    private DeployFiles() {
    }

    static Path repoRoot() {
        String prop = System.getProperty("maskwatch.project.dir");
        if (prop != null && Files.isRegularFile(Path.of(prop, "docker-compose.yml"))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isRegularFile(p.resolve("docker-compose.yml")) && Files.isDirectory(p.resolve("k8s"))) {
                return p;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("cannot find the repository root (docker-compose.yml) from "
                + Path.of("").toAbsolutePath());
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a YAML file, anchors and merge keys resolved (as Compose and kubectl do). */
    static List<JsonNode> yamlDocuments(Path file) {
        return yamlDocuments(read(file), file.toString());
    }

    static List<JsonNode> yamlDocuments(String text, String origin) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        List<JsonNode> out = new ArrayList<>();
        try {
            for (Object doc : yaml.loadAll(text)) {
                if (doc != null) {
                    out.add(JSON.valueToTree(doc));
                }
            }
        } catch (RuntimeException e) {
            throw new AssertionError(origin + " is not valid YAML: " + e.getMessage(), e);
        }
        return out;
    }

    static JsonNode yaml(Path file) {
        List<JsonNode> docs = yamlDocuments(file);
        if (docs.size() != 1) {
            throw new AssertionError(file + ": expected one YAML document, found " + docs.size());
        }
        return docs.get(0);
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    static List<Path> files(Path dir, String... extensions) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> Stream.of(extensions).anyMatch(ext -> p.getFileName().toString().endsWith(ext)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Pattern COMPOSE_VAR =
            Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?}");

    /** Docker Compose's variable interpolation with the given host environment. */
    static String composeInterpolate(String text, Map<String, String> hostEnv) {
        Matcher m = COMPOSE_VAR.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$$")) {
                replacement = "$";
            } else {
                String value = hostEnv.get(m.group(1));
                String op = m.group(2);
                String arg = m.group(3) == null ? "" : m.group(3);
                boolean unset = value == null;
                boolean empty = unset || value.isEmpty();
                if (op == null) {
                    replacement = unset ? "" : value;
                } else if (op.equals(":-")) {
                    replacement = empty ? arg : value;
                } else if (op.equals("-")) {
                    replacement = unset ? arg : value;
                } else if (op.equals(":?") || op.equals("?")) {
                    if (op.equals(":?") ? empty : unset) {
                        throw new AssertionError("compose requires ${" + m.group(1) + "}: " + arg);
                    }
                    replacement = value;
                } else { // :+ and +
                    replacement = (op.equals(":+") ? !empty : !unset) ? arg : "";
                }
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The docker-compose.yml model after interpolation with an empty host environment. */
    static JsonNode compose() {
        Path file = repoRoot().resolve("docker-compose.yml");
        return yamlDocuments(composeInterpolate(read(file), Map.of()), file.toString()).get(0);
    }

    /** Result of running the image's entry point in dry-run mode. */
    record EntrypointRun(int exitCode, String command, Map<String, String> maskwatchEnv, String output) {
    }

    static boolean bashAvailable() {
        return Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash"));
    }

    /**
     * Runs deploy/docker/entrypoint.sh with ENTRYPOINT_DRY_RUN=1: it prints the java command and the
     * MASKWATCH_* variables the service would see, after its own translations.
     */
    static EntrypointRun dryRun(Map<String, String> env, String... args) {
        Path script = repoRoot().resolve("deploy/docker/entrypoint.sh");
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("MASKWATCH_") || k.equals("POD_NAME"));
        pb.environment().putAll(env);
        pb.environment().put("ENTRYPOINT_DRY_RUN", "1");
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("entrypoint.sh did not finish");
            }
            String command = null;
            Map<String, String> mw = new TreeMap<>();
            for (String line : out.split("\n")) {
                if (line.startsWith("command: ")) {
                    command = line.substring("command: ".length());
                } else if (line.startsWith("MASKWATCH_") && line.contains("=")) {
                    mw.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                }
            }
            return new EntrypointRun(p.exitValue(), command, mw, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The environment the service process sees: the container's variables, with MASKWATCH_* ones as
     * the entry point leaves them.
     */
    static Map<String, String> serviceEnvironment(Map<String, String> containerEnv, String command) {
        EntrypointRun run = dryRun(containerEnv, command, "--config", "/etc/maskwatch/maskwatch.yaml");
        if (run.exitCode() != 0) {
            throw new AssertionError("entrypoint failed for " + command + ": " + run.output());
        }
        Map<String, String> env = new LinkedHashMap<>();
        containerEnv.forEach((k, v) -> {
            if (!k.startsWith("MASKWATCH_")) {
                env.put(k, v);
            }
        });
        env.putAll(run.maskwatchEnv());
        return env;
    }

    /**
     * Binds the file and environment exactly as the service does at start-up (its own config
     * record, with validation) and returns the HTTP port it will serve on.
     */
    static int bindConfig(String yaml, Map<String, String> env, String origin, String service) {
        MaskWatchConfig config = MaskWatchConfig.parse(yaml, env, origin);
        config.kafka();
        // As the services read the camera list: ingest whole, the alerter for names (no URL secrets), the detector not.
        if (service.equals("ingest")) {
            config.cameras();
        } else if (service.equals("alerter")) {
            config.camerasWithoutUrlSecrets();
        }
        return switch (service) {
            case "ingest" -> config.section("ingest", io.maskwatch.ingest.IngestSettings.class,
                    io.maskwatch.ingest.IngestSettings.defaults()).httpPort();
            case "detector" -> config.section("detector", io.maskwatch.detector.DetectorConfig.class,
                    io.maskwatch.detector.DetectorConfig.defaults()).httpPort();
            case "alerter" -> config.section("alerter", io.maskwatch.alerter.AlerterConfig.class,
                    io.maskwatch.alerter.AlerterConfig.defaults()).httpPort();
            default -> throw new IllegalArgumentException("unknown service " + service);
        };
    }

    /** The token the service's command requires (null = it would refuse to start). */
    static String apiToken(String yaml, Map<String, String> env, String origin, String service) {
        MaskWatchConfig config = MaskWatchConfig.parse(yaml, env, origin);
        return switch (service) {
            case "ingest" -> config.section("ingest", io.maskwatch.ingest.IngestSettings.class,
                    io.maskwatch.ingest.IngestSettings.defaults()).apiToken();
            case "detector" -> config.section("detector", io.maskwatch.detector.DetectorConfig.class,
                    io.maskwatch.detector.DetectorConfig.defaults()).apiToken();
            case "alerter" -> config.section("alerter", io.maskwatch.alerter.AlerterConfig.class,
                    io.maskwatch.alerter.AlerterConfig.defaults()).apiToken();
            default -> throw new IllegalArgumentException("unknown service " + service);
        };
    }

    /** The alerter's Kafka Streams state directory as the service would resolve it. */
    static String alerterStateDir(String yaml, Map<String, String> env, String origin) {
        return MaskWatchConfig.parse(yaml, env, origin).section("alerter", io.maskwatch.alerter.AlerterConfig.class,
                io.maskwatch.alerter.AlerterConfig.defaults()).stateDir();
    }
}
