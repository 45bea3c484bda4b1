package io.maskwatch.common.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Voted mask status of a tracked person. */
public enum PersonStatus {
    MASKED, UNMASKED, UNCERTAIN;

    @JsonValue
    public String wireName() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static PersonStatus fromWire(String s) {
        return PersonStatus.valueOf(s.toUpperCase());
    }
}
