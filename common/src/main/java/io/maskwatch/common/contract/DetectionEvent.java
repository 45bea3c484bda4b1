package io.maskwatch.common.contract;

import io.maskwatch.common.camera.CameraIds;
import java.util.List;
import java.util.Objects;

/**
 * Value of {@code maskwatch.detections} (key: camera id): every face found in one frame.
 * A frame with no faces still produces an event (with an empty list) so downstream can end tracks.
 */
public record DetectionEvent(
        int schemaVersion,
        String cameraId,
        long frameSequence,
        long captureTimestampMs,
        long processedTimestampMs,
        int frameWidth,
        int frameHeight,
        String detector,
        String model,
        List<Face> faces) {

    public DetectionEvent {
        Objects.requireNonNull(cameraId, "camera_id");
        if (!CameraIds.isValid(cameraId)) {
            // The alerter makes it a metric label and Kafka key: decoding fails, the record goes to the DLQ count.
            throw new IllegalArgumentException("camera_id " + CameraIds.problem(cameraId));
        }
        Objects.requireNonNull(faces, "faces");
        faces = List.copyOf(faces);
    }

    public static DetectionEvent of(String cameraId, long frameSequence, long captureTimestampMs,
                                    long processedTimestampMs, int frameWidth, int frameHeight,
                                    String detector, String model, List<Face> faces) {
        return new DetectionEvent(SchemaVersions.DETECTION, cameraId, frameSequence, captureTimestampMs,
                processedTimestampMs, frameWidth, frameHeight, detector, model, faces);
    }
}
