package io.maskwatch.app.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both overlays rendered by the real {@code kubectl kustomize} and every object checked against
 * the schemas of its API group (core/apps, KEDA, Prometheus Operator, Strimzi) by
 * deploy/ci/k8s-validate.mjs; a broken manifest proves the check can fail.
 */
class KubernetesSchemaIT {
    private static final Path ROOT = DeployFiles.repoRoot();
    private static final Path VALIDATOR = ROOT.resolve("deploy/ci/k8s-validate.mjs");
    private static Path modules;

    record Run(int exitCode, String output) {
    }

    @BeforeAll
    static void schemaPackages() throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not installed (needed for kubectl kustomize)");
        Assumptions.assumeTrue(onPath("node") && onPath("npm"), "Node.js/npm are not installed (the validator runs on Node)");
        String cache = System.getenv("MASKWATCH_CI_CACHE");
        modules = (cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache/maskwatch/ci"))
                .resolve("k8s-validate");
        Path pkg = ROOT.resolve("deploy/ci/package.json");
        Path installed = modules.resolve("package.json");
        if (!Files.isDirectory(modules.resolve("node_modules")) || !Files.exists(installed)
                || Files.mismatch(pkg, installed) != -1) {
            Files.createDirectories(modules);
            Files.copy(pkg, installed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Run npm = run(modules, 300, "npm", "install", "--silent", "--no-audit", "--no-fund", "--no-package-lock");
            assertEquals(0, npm.exitCode(), "npm install of deploy/ci/package.json in " + modules + ": " + npm.output());
        }
    }

    @Test
    void everyObjectOfBothOverlaysMatchesItsSchema() throws Exception {
        for (String overlay : List.of("dev", "production")) {
            Path rendered = render(overlay);
            Run v = validate(rendered);
            assertEquals(0, v.exitCode(), overlay + ": " + v.output());
            int objects = Integer.parseInt(v.output().replaceAll("(?s).*k8s-validate: (\\d+) objects.*", "$1"));
            assertTrue(objects >= 15, overlay + " renders " + objects + " objects: " + v.output());
        }
    }

    @Test
    void brokenManifestsAreRejectedNamingTheField() throws Exception {
        Run v = validate(ROOT.resolve("deploy/ci/testdata/broken.yaml"));
        assertEquals(1, v.exitCode(), v.output());
        for (String expected : List.of("/spec/replicas must be integer",
                "/spec/template/spec/containers/0/ports/0/containerPort must be integer",
                "KafkaTopic/t (kafka.strimzi.io/v1beta2)", "/spec/partitions must be integer",
                "ScaledObject/s (keda.sh/v1alpha1)", "must have required property type",
                "ServiceMonitor/m (monitoring.coreos.com/v1)", "/spec/endpoints/0/interval must be string",
                "no schema package for API group example.com", "5 objects, 5 invalid")) {
            assertTrue(v.output().contains(expected), "expected '" + expected + "' in:\n" + v.output());
        }
    }

    @Test
    void aMistakeInTheRealManifestsIsCaught() throws Exception {
        String production = Files.readString(render("production"));
        // a KafkaTopic's partitions written as a word (spec level, not the ConfigMap's YAML text)
        String broken = production.replaceFirst("(?m)^  partitions: 12$", "  partitions: twelve");
        assertTrue(!broken.equals(production), "the rendered overlay has the fields this test breaks");
        Path file = Files.createTempFile("maskwatch-k8s-broken-", ".yaml");
        try {
            Files.writeString(file, broken);
            Run v = validate(file);
            assertEquals(1, v.exitCode(), v.output());
            assertTrue(v.output().contains("/spec/partitions must be integer"), v.output());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * The production overlay as the real kustomize renders it (Strimzi template patches merged by
     * kustomize itself, not by the test's subset): `restricted` is enforced and every pod meets it,
     * and each Secret reaches only the pods that use it.
     */
    @Test
    void productionAsKubectlRendersItIsRestrictedAndKeepsSecretsWhereUsed() throws Exception {
        Path rendered = render("production");
        List<ObjectNode> all = new ArrayList<>();
        for (JsonNode d : DeployFiles.yamlDocuments(Files.readString(rendered), rendered.toString())) {
            if (d instanceof ObjectNode o) {
                all.add(o);
            }
        }
        KubernetesManifestsTest.assertRestrictedEverywhere(all);
        KubernetesManifestsTest.assertSecretsOnlyWhereUsed(all, "production (kubectl kustomize)");
    }

    private static Path render(String overlay) throws Exception {
        Run r = run(ROOT, 120, "kubectl", "kustomize", ROOT.resolve("k8s/overlays/" + overlay).toString());
        assertEquals(0, r.exitCode(), "kubectl kustomize k8s/overlays/" + overlay + ": " + r.output());
        Path out = Files.createTempFile("maskwatch-k8s-" + overlay + "-", ".yaml");
        out.toFile().deleteOnExit();
        Files.writeString(out, r.output());
        return out;
    }

    private static Run validate(Path manifests) throws Exception {
        return run(ROOT, 120, List.of("K8S_VALIDATE_MODULES=" + modules), "node", VALIDATOR.toString(), manifests.toString());
    }

    private static Run run(Path dir, int timeoutSeconds, String... command) throws Exception {
        return run(dir, timeoutSeconds, List.of(), command);
    }

    private static Run run(Path dir, int timeoutSeconds, List<String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        // stdout only for kubectl's rendering; the validator's findings go to stderr: merge for it
        pb.redirectErrorStream(!command[0].equals("kubectl"));
        for (String e : env) {
            pb.environment().put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        if (p.exitValue() != 0 && command[0].equals("kubectl")) {
            out += new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        return new Run(p.exitValue(), out);
    }

    private static boolean onPath(String tool) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        return dirs.stream().anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
