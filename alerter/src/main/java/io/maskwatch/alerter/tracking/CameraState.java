package io.maskwatch.alerter.tracking;

import java.util.List;

/**
 * Everything the tracker remembers about one camera (value of the {@code tracks} store, key camera id).
 *
 * @param latestMs          newest capture time processed (the camera's event time)
 * @param lastArrivalWallMs wall-clock time the newest detection arrived (to end tracks of a quiet camera)
 * @param recentMs          capture times of the last frames processed, to drop duplicate detections
 */
public record CameraState(
        String cameraId,
        long latestMs,
        long lastArrivalWallMs,
        List<Track> tracks,
        List<Long> recentMs) {

    public CameraState {
        tracks = List.copyOf(tracks);
        recentMs = List.copyOf(recentMs);
    }

    static CameraState empty(String cameraId) {
        return new CameraState(cameraId, Long.MIN_VALUE, 0, List.of(), List.of());
    }
}
