package io.maskwatch.alerter.tracking;

import io.maskwatch.common.contract.Box;
import java.util.List;

/**
 * Told, in the Streams thread, which track each face of a processed detection joined: the live view
 * uses it to label its boxes with track ids. Only this replica's partitions are told, best effort (a
 * listener must be quick and must not throw; a reprocessed batch tells the same again).
 */
@FunctionalInterface
public interface TrackListener {
    TrackListener NONE = (cameraId, captureMs, faces) -> { };

    /** A face of the detection at {@code captureMs} (its box as in the event) and the track it joined. */
    record TrackedFace(Box box, String trackId) {
    }

    void tracked(String cameraId, long captureMs, List<TrackedFace> faces);
}
