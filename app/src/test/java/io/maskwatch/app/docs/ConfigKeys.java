package io.maskwatch.app.docs;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.maskwatch.alerter.AlerterConfig;
import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.ingest.IngestSettings;
import java.io.StringReader;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Configuration keys as the code has them (the config records, kebab-case as the loader binds them)
 * and as the example config documents them.
 *
 * <p>Convention: {@code config/maskwatch.example.yaml} documents every key. A key may be shown
 * commented out ({@code # public-base-url: https://...}) at the indentation it would have when
 * uncommented; such lines count. List items are written {@code []} ({@code cameras[].url}).
 */
public final class ConfigKeys {
    /** What a key holds: a value, a nested record, a list of records, or free-form properties. */
    public enum Kind { VALUE, RECORD, LIST, FREE_FORM }

    /** Each top-level section and the record that binds it (the services call {@code config.section}). */
    public static final Map<String, Class<?>> SECTIONS = Map.of(
            "kafka", KafkaSettings.class,
            "cameras", CameraConfig.class,
            "ingest", IngestSettings.class,
            "detector", DetectorConfig.class,
            "alerter", AlerterConfig.class);

    private static final Pattern COMMENTED_KEY =
            Pattern.compile("^(\\s*)# (\\s*(?:- )?[a-z][a-z0-9-]*:(?:\\s.*)?)$");
    private static final PropertyNamingStrategies.KebabCaseStrategy KEBAB = new PropertyNamingStrategies.KebabCaseStrategy();

    private ConfigKeys() {
    }

    /** Every key path of the config records: "detector.tiling.mode", "cameras[].url", ... */
    public static Map<String, Kind> fromRecords() {
        Map<String, Kind> out = new TreeMap<>();
        for (var e : SECTIONS.entrySet()) {
            boolean list = e.getKey().equals("cameras");
            out.put(e.getKey(), list ? Kind.LIST : Kind.RECORD);
            walk(list ? "cameras[]" : e.getKey(), e.getValue(), out);
        }
        return out;
    }

    private static void walk(String prefix, Class<?> record, Map<String, Kind> out) {
        for (RecordComponent c : record.getRecordComponents()) {
            String key = prefix + "." + KEBAB.translate(c.getName());
            Class<?> type = c.getType();
            if (type.isRecord()) {
                out.put(key, Kind.RECORD);
                walk(key, type, out);
            } else if (Map.class.isAssignableFrom(type)) {
                out.put(key, Kind.FREE_FORM);
            } else if (List.class.isAssignableFrom(type) && elementType(c.getGenericType()) instanceof Class<?> el
                    && el.isRecord()) {
                out.put(key, Kind.LIST);
                walk(key + "[]", el, out);
            } else {
                out.put(key, Kind.VALUE);
            }
        }
    }

    private static Type elementType(Type t) {
        return t instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : null;
    }

    /** The example config with its commented-out keys uncommented (see the class comment). */
    public static String uncommented(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            var m = COMMENTED_KEY.matcher(line);
            sb.append(m.matches() ? m.group(1) + m.group(2) : line).append('\n');
        }
        return sb.toString();
    }

    /**
     * Every key path of a YAML text, with its line (1-based); children of free-form keys
     * ({@code client-properties}, {@code headers}, ...) are not keys.
     */
    public static Map<String, Integer> fromYaml(String yaml, Map<String, Kind> known) {
        Node root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(yaml));
        Map<String, Integer> out = new LinkedHashMap<>();
        if (root instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                String section = ((ScalarNode) t.getKeyNode()).getValue();
                out.put(section, t.getKeyNode().getStartMark().getLine() + 1);
                walkYaml(section, t.getValueNode(), known, out);
            }
        }
        return out;
    }

    private static void walkYaml(String path, Node node, Map<String, Kind> known, Map<String, Integer> out) {
        if (known.get(path) == Kind.FREE_FORM) {
            return;
        }
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                String key = path + "." + ((ScalarNode) t.getKeyNode()).getValue();
                out.putIfAbsent(key, t.getKeyNode().getStartMark().getLine() + 1);
                walkYaml(key, t.getValueNode(), known, out);
            }
        } else if (node instanceof SequenceNode s) {
            for (Node item : s.getValue()) {
                walkYaml(path + "[]", item, known, out);
            }
        }
    }

    /** "cameras[0].url" -> "cameras[].url": docs may name a list item by index. */
    public static String normalise(String key) {
        return key.replaceAll("\\[\\d*]", "[]");
    }
}
