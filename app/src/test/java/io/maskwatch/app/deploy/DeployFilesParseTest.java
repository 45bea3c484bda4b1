package io.maskwatch.app.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every YAML and JSON file of the deployment parses, the way its tool reads it. */
class DeployFilesParseTest {
    private final Path root = DeployFiles.repoRoot();

    @Test
    void composeFileParsesAfterInterpolation() {
        JsonNode compose = DeployFiles.compose();
        assertTrue(compose.path("services").size() >= 9, "services of docker-compose.yml");
    }

    @Test
    void everyYamlFileParses() {
        List<Path> files = new ArrayList<>();
        files.addAll(DeployFiles.files(root.resolve("deploy"), ".yml", ".yaml"));
        files.addAll(DeployFiles.files(root.resolve("k8s"), ".yml", ".yaml"));
        assertTrue(files.size() >= 30, "deployment YAML files: " + files.size());
        for (Path f : files) {
            List<JsonNode> docs = DeployFiles.yamlDocuments(f);
            assertFalse(docs.isEmpty(), f + " is empty");
            for (JsonNode d : docs) {
                assertTrue(d.isObject(), f + ": every document must be a mapping");
            }
            if (f.startsWith(root.resolve("k8s")) && !f.getFileName().toString().equals("kustomization.yaml")
                    && !isEmbeddedConfig(f)) {
                for (JsonNode d : docs) {
                    assertTrue(d.has("apiVersion") && d.has("kind") && d.path("metadata").has("name"),
                            f + ": Kubernetes objects need apiVersion, kind and metadata.name");
                }
            }
        }
    }

    @Test
    void everyJsonFileParses() {
        List<Path> files = DeployFiles.files(root.resolve("deploy"), ".json");
        assertFalse(files.isEmpty());
        for (Path f : files) {
            assertTrue(DeployFiles.json(f).isObject(), f.toString());
        }
    }

    @Test
    void interpolationFollowsComposeRules() {
        Map<String, String> env = Map.of("SET", "v", "EMPTY", "");
        String text = "${SET} ${UNSET} ${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${SET:+alt} ${UNSET:+alt} $$HOME ${MW:--Xmx1g}";
        org.junit.jupiter.api.Assertions.assertEquals("v  d d  alt  $HOME -Xmx1g", DeployFiles.composeInterpolate(text, env));
    }

    /** Configuration files for containers that live next to manifests (MaskWatch, mediamtx). */
    private static boolean isEmbeddedConfig(Path f) {
        String name = f.getFileName().toString();
        return name.equals("maskwatch.yaml") || name.equals("mediamtx.yml");
    }
}
