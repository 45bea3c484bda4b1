package io.maskwatch.alerter.compliance;

import com.fasterxml.jackson.databind.node.LongNode;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.serde.JsonUpgrade;

/**
 * A change to the counts of one compliance window: +1 person when a track is first counted, or
 * -1/+1 between statuses when a counted person's status changes. Travels through the
 * facility repartition topic, so it is JSON (snake_case).
 */
public record ComplianceDelta(
        String cameraId,
        long windowStartMs,
        long persons,
        long masked,
        long unmasked,
        long incorrect,
        long uncertain,
        long eventTimestampMs) {

    /** Deltas written before the incorrect count existed (still in the repartition topic after an upgrade). */
    public static final JsonUpgrade UPGRADE = JsonUpgrade.whenMissing("incorrect", n -> LongNode.valueOf(0));

    /** {@code persons} more people, one of them now {@code add}, and (when not null) no longer {@code remove}. */
    public static ComplianceDelta of(String camera, long windowStart, int persons, PersonStatus add, PersonStatus remove,
                                     long eventTs) {
        long[] c = new long[PersonStatus.values().length];
        c[add.ordinal()] += 1;
        if (remove != null) {
            c[remove.ordinal()] -= 1;
        }
        return new ComplianceDelta(camera, windowStart, persons, c[PersonStatus.MASKED.ordinal()],
                c[PersonStatus.UNMASKED.ordinal()], c[PersonStatus.INCORRECT.ordinal()],
                c[PersonStatus.UNCERTAIN.ordinal()], eventTs);
    }
}
