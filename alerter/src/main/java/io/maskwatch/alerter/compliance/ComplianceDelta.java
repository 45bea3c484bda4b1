package io.maskwatch.alerter.compliance;

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
        long uncertain,
        long eventTimestampMs) {
}
