package io.maskwatch.common.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Function;

/**
 * Rewrites the JSON of an older shape into the current record's shape before it is decoded, so
 * the mapper can stay strict (every field required) while old events and old state still decode.
 */
@FunctionalInterface
public interface JsonUpgrade {
    JsonUpgrade NONE = node -> { };

    /** Changes {@code node} in place. */
    void apply(ObjectNode node);

    default JsonUpgrade andThen(JsonUpgrade next) {
        return node -> {
            apply(node);
            next.apply(node);
        };
    }

    /**
     * Applies {@code upgrade} only to records whose {@code schema_version} is below {@code version}: in a
     * current record a missing field is a real error and must still be reported.
     */
    static JsonUpgrade below(int version, JsonUpgrade upgrade) {
        return node -> {
            JsonNode v = node.get("schema_version");
            if (v != null && v.canConvertToInt() && v.asInt() < version) {
                upgrade.apply(node);
            }
        };
    }

    /** Adds {@code field} when it is absent, computed from the rest of the object. */
    static JsonUpgrade whenMissing(String field, Function<ObjectNode, JsonNode> value) {
        return node -> {
            if (!node.has(field)) {
                node.set(field, value.apply(node));
            }
        };
    }
}
