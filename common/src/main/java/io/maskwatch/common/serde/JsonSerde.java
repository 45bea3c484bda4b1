package io.maskwatch.common.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.maskwatch.common.contract.EventDecodingException;
import java.io.IOException;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON serde for one event record type. Decoding failures become {@link EventDecodingException}
 * with a short reason naming the field, never a raw Jackson stack trace.
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {
    private static final ObjectMapper MAPPER = Json.eventMapper();
    private final Class<T> type;
    private final JsonUpgrade upgrade;

    public JsonSerde(Class<T> type) {
        this(type, JsonUpgrade.NONE);
    }

    /** @param upgrade turns JSON of older versions of {@code type} into the current shape */
    public JsonSerde(Class<T> type, JsonUpgrade upgrade) {
        this.type = type;
        this.upgrade = upgrade;
    }

    public Class<T> type() {
        return type;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            return MAPPER.writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return decode(data);
        } catch (UnrecognizedPropertyException e) {
            throw new EventDecodingException(topic, type.getSimpleName() + " has unknown field '"
                    + e.getPropertyName() + "' (producer and consumer disagree on the schema?)", e);
        } catch (ValueInstantiationException e) {
            Throwable root = e.getCause() != null ? e.getCause() : e;
            throw new EventDecodingException(topic, "invalid " + type.getSimpleName() + ": " + root.getMessage(), e);
        } catch (MismatchedInputException e) {
            throw new EventDecodingException(topic, "invalid " + type.getSimpleName() + " at '" + path(e) + "': "
                    + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new EventDecodingException(topic, "not valid JSON for " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new EventDecodingException(topic, "cannot decode " + type.getSimpleName() + ": " + e, e);
        }
    }

    /**
     * Current records take the fast streaming path; only a record that does not decode as it is goes
     * through the tree and the upgrade (tree decoding costs about twice as much, and the tracks store
     * is decoded on every frame).
     */
    private T decode(byte[] data) throws IOException {
        if (upgrade == JsonUpgrade.NONE) {
            return MAPPER.readValue(data, type);
        }
        try {
            return MAPPER.readValue(data, type);
        } catch (MismatchedInputException | ValueInstantiationException first) {
            JsonNode tree = MAPPER.readTree(data);
            if (!(tree instanceof ObjectNode obj)) {
                throw first;
            }
            upgrade.apply(obj);
            return MAPPER.readerFor(type).readValue(obj);
        }
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }
}
