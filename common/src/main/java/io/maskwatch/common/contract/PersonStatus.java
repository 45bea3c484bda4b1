package io.maskwatch.common.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Voted mask status of a tracked person. {@code incorrect} (schema 2): wearing a mask below the nose
 * or chin; non-compliant like {@code unmasked} unless the alerter is configured otherwise.
 */
public enum PersonStatus {
    MASKED, UNMASKED, UNCERTAIN, INCORRECT;

    /** Not wearing a mask properly: {@code unmasked} or {@code incorrect}. */
    public boolean nonCompliant() {
        return this == UNMASKED || this == INCORRECT;
    }

    /** How people read it on the page and in notifications. */
    public String displayName() {
        return switch (this) {
            case MASKED -> "masked";
            case UNMASKED -> "no mask";
            case UNCERTAIN -> "uncertain";
            case INCORRECT -> "mask below nose";
        };
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static PersonStatus fromWire(String s) {
        return PersonStatus.valueOf(s.toUpperCase());
    }
}
