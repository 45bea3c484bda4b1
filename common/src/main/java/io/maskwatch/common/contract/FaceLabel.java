package io.maskwatch.common.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Classifier label of one face. {@code incorrect} (mask below the nose or chin) comes from 3-class models (schema 2). */
public enum FaceLabel {
    MASK("mask"),
    NO_MASK("no_mask"),
    INCORRECT("incorrect");

    private final String wireName;

    FaceLabel(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static FaceLabel fromWire(String name) {
        for (FaceLabel l : values()) {
            if (l.wireName.equals(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown face label '" + name + "', expected one of "
                + Arrays.stream(values()).map(FaceLabel::wireName).collect(Collectors.joining(", ")));
    }
}
