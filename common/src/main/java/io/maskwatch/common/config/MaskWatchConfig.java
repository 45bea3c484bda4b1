package io.maskwatch.common.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The MaskWatch configuration: one YAML file, every key overridable from the environment.
 *
 * <p>Sections: {@code kafka} and {@code cameras} (read here) and one section per service
 * ({@code ingest}, {@code detector}, {@code alerter}, ...), bound by that service with
 * {@link #section}. Precedence: the section's defaults, then the file, then environment
 * variables. {@code MASKWATCH_DETECTOR_THREADS=2} sets {@code detector.threads};
 * {@code MASKWATCH_CAMERAS_0_URL} sets {@code cameras[0].url}; a double underscore
 * ({@code MASKWATCH_ALERTER__NOTIFICATIONS__RATE_LIMIT_MS}) separates levels explicitly.
 * String values may reference the environment with {@code ${VAR}} or {@code ${VAR:-default}},
 * which keeps camera passwords in a Secret rather than in the file.
 */
public final class MaskWatchConfig {
    public static final String ENV_PREFIX = "MASKWATCH_";
    /**
     * Top-level sections a file may contain: only those a command reads, so a misplaced section is
     * an error rather than silently ignored settings (the demo and train take command-line flags).
     */
    public static final Set<String> SECTIONS = Set.of(
            "kafka", "cameras", "ingest", "detector", "alerter");
    /**
     * MASKWATCH_* variables that are not configuration keys: they steer the launcher, the model
     * cache and tests, and must not be rejected as unknown sections.
     */
    public static final Set<String> NON_CONFIG_ENV = Set.of(
            "MASKWATCH_JAVA_OPTS", "MASKWATCH_MODEL_CACHE", "MASKWATCH_SHARED_DIR", "MASKWATCH_HOME",
            "MASKWATCH_LOG_LEVEL");
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private final ObjectNode root;
    private final Map<String, String> env;
    private final String origin;

    private MaskWatchConfig(ObjectNode root, Map<String, String> env, String origin) {
        this.root = root;
        this.env = Map.copyOf(env);
        this.origin = origin;
        List<String> problems = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!SECTIONS.contains(key)) {
                problems.add("unknown top-level key '" + key + "' in " + origin + "; expected one of "
                        + new TreeSet<>(SECTIONS));
            }
        }
        for (String var : env.keySet()) {
            if (var.startsWith(ENV_PREFIX) && !NON_CONFIG_ENV.contains(var)) {
                String section = sectionOfEnv(var);
                if (section == null) {
                    problems.add("environment variable " + var + " does not name a configuration section; expected "
                            + ENV_PREFIX + "<SECTION>_<KEY> with SECTION one of " + new TreeSet<>(SECTIONS));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** Reads a YAML file; a missing or unreadable file is a {@link ConfigException} naming the path. */
    public static MaskWatchConfig load(Path file, Map<String, String> env) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file.toAbsolutePath()
                    + " does not exist; pass --config FILE (see config/maskwatch.example.yaml)");
        }
        try {
            return parse(Files.readString(file), env, file.toString());
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }

    /** Configuration from YAML text (may be empty: defaults plus environment). */
    public static MaskWatchConfig parse(String yaml, Map<String, String> env, String origin) {
        JsonNode tree;
        try {
            tree = yaml == null || yaml.isBlank() ? null : YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ConfigException(origin + " is not valid YAML" + where + ": " + e.getOriginalMessage());
        }
        if (tree == null || tree.isNull() || tree.isMissingNode()) {
            tree = JsonNodeFactory.instance.objectNode();
        }
        if (!tree.isObject()) {
            throw new ConfigException(origin + " must be a YAML mapping of sections (kafka:, cameras:, ...)");
        }
        return new MaskWatchConfig((ObjectNode) tree, env, origin);
    }

    public static MaskWatchConfig empty(Map<String, String> env) {
        return parse("", env, "defaults");
    }

    /** The {@code kafka} section. */
    public KafkaSettings kafka() {
        return section("kafka", KafkaSettings.class, KafkaSettings.defaults());
    }

    /** The {@code cameras} list, each camera merged over {@link CameraConfig#defaults()}, ids unique. */
    public List<CameraConfig> cameras() {
        return cameras(false);
    }

    /**
     * The camera list for services that need ids and names but not the cameras themselves (the
     * alerter): {@code ${VAR}}s in URLs that are not set become empty instead of an error, so
     * those pods need no camera passwords. Never open these URLs.
     */
    public List<CameraConfig> camerasWithoutUrlSecrets() {
        return cameras(true);
    }

    private List<CameraConfig> cameras(boolean urlSecretsOptional) {
        JsonNode fromFile = root.get("cameras");
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        if (fromFile != null && !fromFile.isNull()) {
            if (!fromFile.isArray()) {
                throw new ConfigException("cameras must be a list of cameras (- id: ..., url: ...)");
            }
            list = (ArrayNode) fromFile.deepCopy();
        }
        ObjectNode holder = JsonNodeFactory.instance.objectNode();
        holder.set("cameras", list);
        applyEnv(holder, "cameras");
        list = (ArrayNode) holder.get("cameras");

        List<CameraConfig> cameras = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String prefix = "cameras[" + i + "]";
            ObjectNode merged = YAML.valueToTree(CameraConfig.defaults());
            if (!list.get(i).isObject()) {
                problems.add(prefix + " must be a mapping with id, url, ...");
                continue;
            }
            merge(merged, list.get(i));
            if (urlSecretsOptional && merged.get("url") != null && merged.get("url").isTextual()) {
                merged.put("url", substitute(merged.get("url").asText(), prefix + ".url", new ArrayList<>()));
            }
            resolveEnvRefs(merged, prefix, problems);
            CameraConfig c;
            try {
                c = bind(merged, CameraConfig.class, prefix);
            } catch (ConfigException e) {
                problems.addAll(e.problems());
                continue;
            }
            c.problems().forEach(p -> problems.add(prefix + "." + p));
            if (c.id() != null && !ids.add(c.id())) {
                problems.add(prefix + ".id '" + c.id() + "' is used by another camera; ids must be unique");
            }
            cameras.add(c);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return List.copyOf(cameras);
    }

    /**
     * Binds one section: defaults, overlaid by the file, overlaid by {@code MASKWATCH_<SECTION>_...}.
     *
     * @throws ConfigException naming every bad key
     */
    public <T> T section(String name, Class<T> type, T defaults) {
        if (!SECTIONS.contains(name)) {
            throw new IllegalArgumentException("unknown section " + name);
        }
        ObjectNode merged = defaults == null ? JsonNodeFactory.instance.objectNode() : YAML.valueToTree(defaults);
        JsonNode fromFile = root.get(name);
        if (fromFile != null && !fromFile.isNull()) {
            if (!fromFile.isObject()) {
                throw new ConfigException(name + " must be a mapping of keys, got " + fromFile.getNodeType());
            }
            merge(merged, fromFile);
        }
        ObjectNode holder = JsonNodeFactory.instance.objectNode();
        holder.set(name, merged);
        applyEnv(holder, name);
        merged = (ObjectNode) holder.get(name);
        List<String> problems = new ArrayList<>();
        resolveEnvRefs(merged, name, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        T value = bind(merged, type, name);
        if (value instanceof ConfigSection s) {
            List<String> p = s.problems().stream().map(x -> name + "." + x).collect(Collectors.toList());
            if (!p.isEmpty()) {
                throw new ConfigException(p);
            }
        }
        return value;
    }

    public String origin() {
        return origin;
    }

    private static <T> T bind(JsonNode node, Class<T> type, String prefix) {
        try {
            return YAML.treeToValue(node, type);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : "; known keys: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw new ConfigException("unknown key '" + join(prefix, pathOf(e)) + "'" + known);
        } catch (InvalidFormatException e) {
            throw new ConfigException("'" + join(prefix, pathOf(e)) + "' has value '" + e.getValue()
                    + "', expected " + describe(e.getTargetType()));
        } catch (MismatchedInputException e) {
            throw new ConfigException("'" + join(prefix, pathOf(e)) + "' has the wrong type, expected "
                    + describe(e.getTargetType()));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new ConfigException("'" + prefix + "' is invalid: " + root.getMessage());
        }
    }

    private static String pathOf(MismatchedInputException e) {
        StringBuilder sb = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String join(String prefix, String path) {
        return path.isEmpty() ? prefix : prefix + "." + path;
    }

    private static String describe(Class<?> t) {
        if (t == null) {
            return "another type";
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class || t == short.class) {
            return "a whole number";
        }
        if (t == double.class || t == Double.class || t == float.class) {
            return "a number";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "true or false";
        }
        if (t.isEnum()) {
            return "one of " + java.util.Arrays.toString(t.getEnumConstants()).toLowerCase();
        }
        if (t == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(t)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(t)) {
            return "a mapping";
        }
        return "a mapping of " + t.getSimpleName() + " keys";
    }

    /** Deep merge: objects merge key by key, everything else (lists included) replaces. */
    private static void merge(ObjectNode target, JsonNode overlay) {
        for (Iterator<Map.Entry<String, JsonNode>> it = overlay.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode existing = target.get(e.getKey());
            if (existing instanceof ObjectNode o && e.getValue().isObject()) {
                merge(o, e.getValue());
            } else {
                target.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    private String sectionOfEnv(String var) {
        String rest = var.substring(ENV_PREFIX.length());
        for (String s : SECTIONS) {
            String up = s.toUpperCase().replace('-', '_');
            if (rest.startsWith(up + "_")) {
                return s;
            }
        }
        return null;
    }

    /** Applies every MASKWATCH_<SECTION>_* variable to {@code holder.<section>}, sorted for determinism. */
    private void applyEnv(ObjectNode holder, String section) {
        String prefix = ENV_PREFIX + section.toUpperCase().replace('-', '_') + "_";
        List<String> problems = new ArrayList<>();
        for (var e : new TreeMap<>(env).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            String rest = e.getKey().substring(prefix.length());
            List<String> segments = new ArrayList<>(List.of(rest.split("_", -1)));
            try {
                set(holder, section, segments, parseScalar(e.getValue()), e.getValue(), e.getKey());
            } catch (ConfigException ce) {
                problems.addAll(ce.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static void set(ObjectNode parent, String key, List<String> segments, JsonNode value, String raw,
                            String var) {
        JsonNode node = parent.get(key);
        if (segments.isEmpty() || segments.size() == 1 && segments.get(0).isEmpty()) {
            parent.set(key, value);
            return;
        }
        if (segments.get(0).isEmpty()) { // "__" explicit separator
            segments = segments.subList(1, segments.size());
        }
        if (node == null || node.isNull()) {
            node = segments.get(0).matches("\\d+") ? parent.arrayNode() : parent.objectNode();
            parent.set(key, node);
        }
        if (node instanceof ArrayNode arr) {
            String idx = segments.get(0);
            if (!idx.matches("\\d+")) {
                throw new ConfigException(var + ": '" + key + "' is a list, expected an index after it (e.g. _0_)");
            }
            int i = Integer.parseInt(idx);
            if (i > arr.size()) {
                throw new ConfigException(var + ": index " + i + " skips entries; '" + key + "' has " + arr.size());
            }
            if (i == arr.size()) {
                arr.addObject();
            }
            ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
            wrapper.set("item", arr.get(i));
            set(wrapper, "item", segments.subList(1, segments.size()), value, raw, var);
            arr.set(i, wrapper.get("item"));
            return;
        }
        if (!(node instanceof ObjectNode obj)) {
            throw new ConfigException(var + ": '" + key + "' is a single value and has no sub-key "
                    + String.join("_", segments));
        }
        boolean freeForm = key.endsWith("properties") || key.endsWith("headers") || key.equals("labels");
        if (freeForm) {
            // Kafka client properties: security.protocol <- SECURITY_PROTOCOL. Values stay strings:
            // a password like 0123 or "true" must not be reinterpreted as a number or boolean.
            obj.put(String.join(".", segments).toLowerCase(), raw);
            return;
        }
        // The longest run of segments that names an existing child wins; the rest goes deeper.
        for (int n = segments.size(); n >= 1; n--) {
            String candidate = String.join("_", segments.subList(0, n));
            for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
                String child = it.next();
                if (child.toUpperCase().replace('-', '_').equals(candidate)) {
                    set(obj, child, new ArrayList<>(segments.subList(n, segments.size())), value, raw, var);
                    return;
                }
            }
        }
        // Unknown key: take the whole rest as one kebab-case key; binding reports it if wrong.
        String kebab = segments.stream().filter(s -> !s.isEmpty()).map(String::toLowerCase)
                .collect(Collectors.joining("-"));
        obj.set(kebab, value);
    }

    private static JsonNode parseScalar(String text) {
        try {
            JsonNode n = YAML.readTree(text);
            return n == null || n.isMissingNode() ? JsonNodeFactory.instance.textNode(text) : n;
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(text);
        }
    }

    private void resolveEnvRefs(JsonNode node, String path, List<String> problems) {
        if (node instanceof ObjectNode obj) {
            List<String> keys = new ArrayList<>();
            obj.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                JsonNode child = obj.get(k);
                if (child.isTextual()) {
                    String v = substitute(child.asText(), path + "." + k, problems);
                    obj.put(k, v);
                } else {
                    resolveEnvRefs(child, path + "." + k, problems);
                }
            }
        } else if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                if (arr.get(i).isTextual()) {
                    arr.set(i, JsonNodeFactory.instance.textNode(substitute(arr.get(i).asText(), path, problems)));
                } else {
                    resolveEnvRefs(arr.get(i), path + "[" + i + "]", problems);
                }
            }
        }
    }

    private String substitute(String text, String key, List<String> problems) {
        Matcher m = ENV_REF.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            if (v == null) {
                v = m.group(2);
            }
            if (v == null) {
                problems.add(key + " refers to environment variable " + m.group(1)
                        + ", which is not set (set it, or write ${" + m.group(1) + ":-default})");
                v = "";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
