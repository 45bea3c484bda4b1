package io.maskwatch.app.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The subset of {@code kustomize build} that the MaskWatch manifests use: resources (files and
 * directories), components, config map and secret generators (create, replace, merge), strategic
 * merge patches by file, replicas, images, namespace and labels. Anything else in a kustomization
 * fails loudly, so the manifests cannot use a feature these checks would silently skip.
 * Generated names keep no hash suffix (kustomize rewrites references to them consistently).
 */
final class Kustomize {
    private static final Set<String> KUSTOMIZATION_KEYS = Set.of("apiVersion", "kind", "resources", "components",
            "configMapGenerator", "secretGenerator", "patches", "replicas", "images", "namespace", "labels");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "StorageClass", "PersistentVolume");
    /** Strategic-merge keys of the lists the manifests patch; other lists are replaced. */
    private static final Map<String, String> MERGE_KEYS = Map.of("containers", "name", "initContainers", "name",
            "env", "name", "volumes", "name", "volumeMounts", "mountPath", "imagePullSecrets", "name");

    private Kustomize() {
    }

    static List<ObjectNode> build(Path dir) {
        List<ObjectNode> resources = new ArrayList<>();
        apply(dir, resources, "Kustomization");
        return resources;
    }

    static JsonNode kustomization(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new AssertionError(dir + " has no kustomization.yaml");
        }
        return DeployFiles.yaml(file);
    }

    private static void apply(Path dir, List<ObjectNode> resources, String expectedKind) {
        JsonNode k = kustomization(dir);
        String where = dir.resolve("kustomization.yaml").toString();
        if (!expectedKind.equals(k.path("kind").asText())) {
            throw new AssertionError(where + ": kind must be " + expectedKind + ", is " + k.path("kind").asText());
        }
        k.fieldNames().forEachRemaining(key -> {
            if (!KUSTOMIZATION_KEYS.contains(key)) {
                throw new AssertionError(where + ": '" + key + "' is not supported by these checks");
            }
        });
        for (JsonNode r : k.path("resources")) {
            Path p = existing(dir, r.asText(), where);
            if (Files.isDirectory(p)) {
                apply(p, resources, "Kustomization");
            } else {
                for (JsonNode doc : DeployFiles.yamlDocuments(p)) {
                    resources.add(object(doc, p));
                }
            }
        }
        for (JsonNode c : k.path("components")) {
            Path p = existing(dir, c.asText(), where);
            apply(p, resources, "Component");
        }
        for (JsonNode g : k.path("configMapGenerator")) {
            generate("ConfigMap", g, dir, where, resources);
        }
        for (JsonNode g : k.path("secretGenerator")) {
            generate("Secret", g, dir, where, resources);
        }
        for (JsonNode patch : k.path("patches")) {
            if (!patch.has("path") || patch.has("target") || patch.has("patch")) {
                throw new AssertionError(where + ": only `patches: - path: FILE` (strategic merge) is supported");
            }
            Path p = existing(dir, patch.path("path").asText(), where);
            for (JsonNode doc : DeployFiles.yamlDocuments(p)) {
                ObjectNode target = find(resources, doc.path("kind").asText(), doc.path("metadata").path("name").asText());
                if (target == null) {
                    throw new AssertionError(p + " patches " + doc.path("kind").asText() + "/"
                            + doc.path("metadata").path("name").asText() + ", which no resource defines");
                }
                merge(target, doc);
            }
        }
        for (JsonNode rep : k.path("replicas")) {
            ObjectNode target = resources.stream()
                    .filter(o -> o.path("metadata").path("name").asText().equals(rep.path("name").asText()))
                    .filter(o -> Set.of("Deployment", "StatefulSet", "ReplicaSet").contains(o.path("kind").asText()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(where + ": replicas for unknown workload " + rep.path("name")));
            ((ObjectNode) target.path("spec")).put("replicas", rep.path("count").asInt());
        }
        for (JsonNode img : k.path("images")) {
            String name = img.path("name").asText();
            for (ObjectNode o : resources) {
                for (JsonNode c : containers(o)) {
                    String image = c.path("image").asText();
                    if (imageName(image).equals(name)) {
                        String newName = img.path("newName").asText(name);
                        String tag = img.has("newTag") ? img.path("newTag").asText() : imageTag(image);
                        ((ObjectNode) c).put("image", tag == null ? newName : newName + ":" + tag);
                    }
                }
            }
        }
        if (k.has("namespace")) {
            String ns = k.path("namespace").asText();
            for (ObjectNode o : resources) {
                ObjectNode meta = (ObjectNode) o.path("metadata");
                if (o.path("kind").asText().equals("Namespace")) {
                    meta.put("name", ns);
                } else if (!CLUSTER_SCOPED.contains(o.path("kind").asText())) {
                    meta.put("namespace", ns);
                }
            }
        }
        for (JsonNode l : k.path("labels")) {
            if (l.path("includeSelectors").asBoolean(false) || l.path("includeTemplates").asBoolean(false)) {
                throw new AssertionError(where + ": labels with includeSelectors/includeTemplates are not supported");
            }
            for (ObjectNode o : resources) {
                ObjectNode meta = (ObjectNode) o.path("metadata");
                ObjectNode labels = meta.has("labels") ? (ObjectNode) meta.get("labels") : meta.putObject("labels");
                l.path("pairs").fields().forEachRemaining(e -> labels.set(e.getKey(), e.getValue()));
            }
        }
    }

    private static void generate(String kind, JsonNode g, Path dir, String where, List<ObjectNode> resources) {
        String name = g.path("name").asText();
        String behavior = g.path("behavior").asText("create");
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        for (JsonNode f : g.path("files")) {
            String spec = f.asText();
            String key = spec.contains("=") ? spec.substring(0, spec.indexOf('=')) : Path.of(spec).getFileName().toString();
            String path = spec.contains("=") ? spec.substring(spec.indexOf('=') + 1) : spec;
            data.put(key, DeployFiles.read(existing(dir, path, where)));
        }
        for (JsonNode lit : g.path("literals")) {
            String s = lit.asText();
            if (!s.contains("=")) {
                throw new AssertionError(where + ": literal '" + s + "' of " + name + " is not KEY=VALUE");
            }
            data.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
        }
        if (g.has("envs")) {
            throw new AssertionError(where + ": generator envs are not supported by these checks");
        }
        ObjectNode existing = find(resources, kind, name);
        switch (behavior) {
            case "create" -> {
                if (existing != null) {
                    throw new AssertionError(where + ": " + kind + " " + name + " already exists; use behavior: replace or merge");
                }
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                o.put("apiVersion", "v1").put("kind", kind).putObject("metadata").put("name", name);
                o.set("data", data);
                resources.add(o);
            }
            case "replace", "merge" -> {
                if (existing == null) {
                    throw new AssertionError(where + ": " + kind + " " + name + " to " + behavior + " does not exist");
                }
                if (behavior.equals("replace") || !existing.has("data")) {
                    existing.set("data", data);
                } else {
                    ((ObjectNode) existing.get("data")).setAll(data);
                }
            }
            default -> throw new AssertionError(where + ": unknown behavior " + behavior);
        }
    }

    static ObjectNode find(List<ObjectNode> resources, String kind, String name) {
        return resources.stream()
                .filter(o -> o.path("kind").asText().equals(kind) && o.path("metadata").path("name").asText().equals(name))
                .findFirst().orElse(null);
    }

    /** Containers and init containers of a workload's pod template (none for other kinds). */
    static List<JsonNode> containers(JsonNode o) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode pod = podSpec(o);
        pod.path("containers").forEach(out::add);
        pod.path("initContainers").forEach(out::add);
        return out;
    }

    static JsonNode podSpec(JsonNode o) {
        return o.path("spec").path("template").path("spec");
    }

    static String imageName(String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        int at = image.indexOf('@');
        int end = at >= 0 ? at : colon > slash ? colon : image.length();
        return image.substring(0, end);
    }

    static String imageTag(String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon > slash && image.indexOf('@') < 0 ? image.substring(colon + 1) : null;
    }

    private static Path existing(Path dir, String relative, String where) {
        Path p = dir.resolve(relative).normalize();
        if (!Files.exists(p)) {
            throw new AssertionError(where + " refers to " + relative + ", which does not exist (" + p + ")");
        }
        return p;
    }

    private static ObjectNode object(JsonNode doc, Path file) {
        if (!doc.isObject() || !doc.has("kind") || !doc.has("apiVersion") || !doc.path("metadata").has("name")) {
            throw new AssertionError(file + ": every document needs apiVersion, kind and metadata.name");
        }
        return (ObjectNode) doc;
    }

    /** Strategic merge: maps merge, null deletes, lists with a merge key merge by it, others replace. */
    static void merge(ObjectNode target, JsonNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            var e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            JsonNode current = target.get(key);
            if (value.isNull()) {
                target.remove(key);
            } else if (value.isObject() && current instanceof ObjectNode cur) {
                merge(cur, value);
            } else if (value.isArray() && current instanceof ArrayNode cur && mergeKey(key, value) != null) {
                String mk = mergeKey(key, value);
                for (JsonNode item : value) {
                    ObjectNode match = null;
                    for (JsonNode c : cur) {
                        if (c.path(mk).equals(item.path(mk))) {
                            match = (ObjectNode) c;
                        }
                    }
                    if (match == null) {
                        cur.add(item.deepCopy());
                    } else {
                        merge(match, item);
                    }
                }
            } else {
                target.set(key, value.deepCopy());
            }
        }
    }

    private static String mergeKey(String field, JsonNode list) {
        if (field.equals("ports")) {
            return list.size() > 0 && list.get(0).has("containerPort") ? "containerPort" : "port";
        }
        return MERGE_KEYS.get(field);
    }
}
