package io.maskwatch.app.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.MaskWatchConfig;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.common.observability.ServiceHttpServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The Dockerfile, its entry point and its health check (no Docker engine needed). */
class DockerImageTest {
    private static final Path ROOT = DeployFiles.repoRoot();

    /** One Dockerfile instruction, continuation lines joined. */
    record Instruction(String keyword, String args) {
    }

    record Stage(String name, String from, List<Instruction> instructions) {
        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
        }
    }

    static List<Stage> stages() {
        Map<String, String> args = new HashMap<>();
        List<Stage> stages = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        List<String> logical = new ArrayList<>();
        for (String line : DeployFiles.read(ROOT.resolve("Dockerfile")).split("\n")) {
            String t = line.strip();
            if (t.startsWith("#") || (t.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (t.endsWith("\\")) {
                current.append(t, 0, t.length() - 1).append(' ');
            } else {
                current.append(t);
                logical.add(current.toString().strip());
                current.setLength(0);
            }
        }
        for (String l : logical) {
            if (l.isEmpty()) {
                continue;
            }
            String keyword = l.split("\\s+", 2)[0].toUpperCase();
            String rest = l.contains(" ") ? l.substring(l.indexOf(' ') + 1).strip() : "";
            if (keyword.equals("ARG") && stages.isEmpty() && rest.contains("=")) {
                args.put(rest.substring(0, rest.indexOf('=')), rest.substring(rest.indexOf('=') + 1));
            }
            if (keyword.equals("FROM")) {
                Matcher m = Pattern.compile("(\\S+)(?:\\s+AS\\s+(\\S+))?", Pattern.CASE_INSENSITIVE).matcher(rest);
                assertTrue(m.matches(), "FROM " + rest);
                String from = m.group(1);
                for (var a : args.entrySet()) {
                    from = from.replace("${" + a.getKey() + "}", a.getValue());
                }
                stages.add(new Stage(m.group(2), from, new ArrayList<>()));
            } else {
                assertFalse(stages.isEmpty() && keyword.isEmpty(), l);
                if (!stages.isEmpty()) {
                    stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, rest));
                }
            }
        }
        return stages;
    }

    @Test
    void multiStageBuildOnJdk17WithModelsAndLinuxNativesOnly() {
        List<Stage> stages = stages();
        assertTrue(stages.size() >= 3, "models, build, runtime stages");
        Stage build = stages.stream().filter(s -> "build".equals(s.name())).findFirst().orElseThrow();
        assertTrue(build.from().matches("maven:[0-9.]+-eclipse-temurin-17.*"), "build on JDK 17 + Maven: " + build.from());
        String run = String.join("\n", build.all("RUN"));
        assertTrue(run.contains("mvn ") && run.contains("package") && run.contains("-DskipTests"), "mvn package");
        assertTrue(run.contains("-Djavacpp.platform=linux-x86_64"), "linux-x86_64 natives only");
        assertTrue(run.contains("models/mask-classifier"), "fails clearly without the trained classifier");

        Stage models = stages.stream().filter(s -> "models".equals(s.name())).findFirst().orElseThrow();
        assertTrue(models.from().startsWith("node:"), "npm models need Node: " + models.from());
        assertTrue(String.join("\n", models.all("RUN")).contains("scripts/fetch-models.sh"));
        assertTrue(String.join("\n", models.all("ENV")).contains("MASKWATCH_MODEL_CACHE="));
    }

    @Test
    void runtimeIsANonRootJlinkedJava17WithHealthcheckAndEntrypoint() throws java.io.IOException {
        List<Stage> stages = stages();
        Stage runtime = stages.get(stages.size() - 1);
        // Debian slim, pinned to a point release (docs/DEPLOYMENT.md lists how each tag was checked)
        assertTrue(runtime.from().matches("debian:\\d+\\.\\d+-slim"), "pinned Debian slim runtime: " + runtime.from());
        Stage build = stages.stream().filter(st -> "build".equals(st.name())).findFirst().orElseThrow();
        String jlink = String.join("\n", build.all("RUN"));
        assertTrue(jlink.contains("jlink --add-modules") && jlink.contains("--output /dist/jre"), "a jlinked runtime");
        String modules = String.join("\n", build.all("ARG"));
        for (String module : List.of("java.base", "jdk.httpserver", "jdk.unsupported", "java.security.sasl", "jdk.crypto.ec")) {
            assertTrue(modules.contains(module), "jlink module " + module + " (HTTP server, Kafka, RocksDB, TLS)");
        }
        assertTrue(String.join("\n", runtime.all("COPY")).contains("--from=build /dist/jre/ /opt/java/"), "runtime copied");
        assertTrue(String.join("\n", runtime.all("ENV")).contains("JAVA_HOME=/opt/java"), "JAVA_HOME for the entry point");
        List<String> user = runtime.all("USER");
        assertEquals(1, user.size());
        String uid = user.get(0).split(":")[0];
        assertTrue(uid.matches("\\d+") && Integer.parseInt(uid) >= 1000, "numeric non-root USER (Kubernetes runAsNonRoot): " + uid);
        assertEquals("10001", uid, "the UID the Kubernetes manifests run as");

        String copies = String.join("\n", runtime.all("COPY"));
        assertTrue(copies.contains("--from=build /src/models/ models/"), "trained classifier in the image");
        assertTrue(copies.contains("--from=models"), "detector model cache in the image");
        for (String source : List.of("deploy/docker/entrypoint.sh", "deploy/docker/healthcheck.sh", "config/maskwatch.example.yaml")) {
            assertTrue(copies.contains(source), source);
            assertTrue(Files.isRegularFile(ROOT.resolve(source)), source + " exists");
        }
        String env = String.join("\n", runtime.all("ENV"));
        for (String required : List.of("MASKWATCH_MODEL_CACHE=/opt/maskwatch/model-cache", "OPT_OUT_TRACKING=true")) {
            assertTrue(env.contains(required), "ENV " + required);
        }
        // malloc is chosen per command by the entrypoint (services: RSS follows use), never image-wide
        assertFalse(env.contains("GLIBC_TUNABLES"), "GLIBC_TUNABLES belongs to the entrypoint, per command");
        String entrypoint = Files.readString(ROOT.resolve("deploy/docker/entrypoint.sh"));
        assertTrue(entrypoint.contains("ingest|detector|alerter)\n") && entrypoint.contains(
                "GLIBC_TUNABLES:-" + io.maskwatch.app.bench.process.ServiceJvm.SERVICE_GLIBC_TUNABLES + "}"),
                "the services' malloc settings in the entrypoint are the launcher's");
        assertEquals(List.of("8080 8081 8082"), runtime.all("EXPOSE"));
        assertTrue(runtime.all("HEALTHCHECK").get(0).contains("CMD [\"maskwatch-healthcheck\"]"));
        assertEquals(List.of("[\"maskwatch-entrypoint\"]"), runtime.all("ENTRYPOINT"));
    }

    @Test
    void dockerignoreKeepsTheBuildInputs() {
        List<String> ignored = DeployFiles.read(ROOT.resolve(".dockerignore")).lines()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertTrue(ignored.contains(".git") && ignored.contains("**/target/"), ".git and build outputs stay out");
        for (String needed : List.of("pom.xml", "common", "embedded-kafka", "app", "models", "scripts", "config",
                "deploy/docker")) {
            for (String pattern : ignored) {
                String p = pattern.replaceAll("/$", "");
                assertFalse(needed.equals(p) || needed.startsWith(p + "/") && !p.contains("*"),
                        ".dockerignore excludes " + needed + " (pattern " + pattern + ")");
            }
        }
    }

    @Test
    void entrypointTurnsLauncherVariablesIntoJvmFlagsAndConfiguration() {
        Assumptions.assumeTrue(DeployFiles.bashAvailable());
        var run = DeployFiles.dryRun(Map.of("MASKWATCH_JAVA_OPTS", "-Xmx1g -XX:+UseZGC",
                "MASKWATCH_MODEL_CACHE", "/models/cache", "MASKWATCH_DETECTOR_THREADS", "3"), "detector", "--config", "/c.yaml");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.command().contains(" -Xmx1g -XX:+UseZGC "), run.command());
        assertTrue(run.command().contains("-Dai.djl.offline=true"), run.command());
        assertTrue(run.command().endsWith("io.maskwatch.app.Main detector --config /c.yaml"), run.command());
        assertEquals(Map.of("MASKWATCH_DETECTOR_THREADS", "3", "MASKWATCH_DETECTOR_MODEL_CACHE_DIR", "/models/cache"),
                run.maskwatchEnv(), "launcher variables must not reach the service");
        // and what reaches the service is a valid configuration environment
        MaskWatchConfig.parse("", run.maskwatchEnv(), "test").kafka();

        var defaults = DeployFiles.dryRun(Map.of(), "alerter");
        assertTrue(defaults.command().contains("-XX:MaxRAMPercentage=50.0"), defaults.command());
        assertEquals(Map.of(), defaults.maskwatchEnv(), "alerter gets no detector settings");
    }

    @Test
    void entrypointDerivesTheIngestWorkerIndexFromTheStatefulSetOrdinal() {
        Assumptions.assumeTrue(DeployFiles.bashAvailable());
        assertEquals("7", DeployFiles.dryRun(Map.of("POD_NAME", "ingest-7"), "ingest").maskwatchEnv()
                .get("MASKWATCH_INGEST_WORKER_INDEX"));
        assertEquals("2", DeployFiles.dryRun(Map.of("POD_NAME", "maskwatch-ingest-7", "MASKWATCH_INGEST_WORKER_INDEX", "2"),
                "ingest").maskwatchEnv().get("MASKWATCH_INGEST_WORKER_INDEX"), "an explicit index wins");
        assertFalse(DeployFiles.dryRun(Map.of("POD_NAME", "detector-5d8f7c9b6d-x2x7q"), "detector").maskwatchEnv()
                .containsKey("MASKWATCH_INGEST_WORKER_INDEX"), "only ingest takes an index");
        var bad = DeployFiles.dryRun(Map.of("POD_NAME", "ingest-abcde"), "ingest");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.output().contains("POD_NAME 'ingest-abcde' does not end in -<ordinal>"), bad.output());
    }

    private final AtomicReference<String> problem = new AtomicReference<>("kafka consumer not assigned yet");

    @Test
    void healthcheckFollowsReadiness() throws Exception {
        Assumptions.assumeTrue(DeployFiles.bashAvailable());
        ServiceHttpServer server = new ServiceHttpServer("detector", "0.0.0.0", 0, Metrics.newRegistry("detector"));
        server.addCheck("kafka", problem::get).start();
        try {
            String port = String.valueOf(server.port());
            var notReady = healthcheck(port);
            assertEquals(1, notReady.getKey(), notReady.getValue());
            assertTrue(notReady.getValue().contains("503") && notReady.getValue().contains("kafka consumer not assigned yet"),
                    "says why: " + notReady.getValue());
            problem.set(null);
            var ready = healthcheck(port);
            assertEquals(0, ready.getKey(), ready.getValue());
        } finally {
            server.close();
        }
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        var down = healthcheck(String.valueOf(free));
        assertEquals(1, down.getKey());
        assertTrue(down.getValue().contains("nothing listens on port " + free), down.getValue());
    }

    private static Map.Entry<Integer, String> healthcheck(String port) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("deploy/docker/healthcheck.sh").toString(), port)
                .redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "healthcheck.sh finished");
        return Map.entry(p.exitValue(), out);
    }

    @Test
    void scriptsAreExecutable() {
        for (String s : List.of("deploy/docker/entrypoint.sh", "deploy/docker/healthcheck.sh", "deploy/kafka/create-topics.sh",
                "deploy/camera/publish.sh")) {
            assertTrue(Files.isExecutable(ROOT.resolve(s)), s + " must be executable (git mode 100755)");
        }
    }
}
