package io.maskwatch.common.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * Value of {@code maskwatch.persons} (key: camera id): the life of one track.
 *
 * @param type       STARTED when a track first appears, CONFIRMED when its status is voted (or changes),
 *                   ENDED after the configured silence
 * @param status     voted status; {@code incorrect} from schema 2
 * @param confidence vote share of {@code status} over the recent classifications, in [0, 1]; for
 *                   {@code unmasked} and {@code incorrect} the share of all non-compliant evidence
 */
public record PersonEvent(
        int schemaVersion,
        String cameraId,
        String trackId,
        Type type,
        PersonStatus status,
        long startedTimestampMs,
        long lastSeenTimestampMs,
        long eventTimestampMs,
        int frameCount,
        double confidence) {

    public enum Type {
        STARTED, CONFIRMED, ENDED;

        @JsonValue
        public String wireName() {
            return name().toLowerCase();
        }

        @JsonCreator
        public static Type fromWire(String s) {
            return Type.valueOf(s.toUpperCase());
        }
    }

    public PersonEvent {
        Objects.requireNonNull(cameraId, "camera_id");
        Objects.requireNonNull(trackId, "track_id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
    }
}
