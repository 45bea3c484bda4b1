package io.maskwatch.alerter.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.maskwatch.common.serde.JsonUpgrade;
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

    /**
     * State written by an alerter before the third label: a track's votes were numbers
     * (P(no mask or incorrect)); they become evidence of a certain face with that much "no mask".
     */
    public static final JsonUpgrade UPGRADE = node -> {
        JsonNode tracks = node.get("tracks");
        for (int i = 0; tracks != null && tracks.isArray() && i < tracks.size(); i++) {
            if (tracks.get(i).get("votes") instanceof ArrayNode votes) {
                for (int j = 0; j < votes.size(); j++) {
                    if (votes.get(j).isNumber()) {
                        // FaceEvidence as JSON: [face, no_mask, incorrect]
                        votes.set(j, votes.arrayNode().add(1.0).add(votes.get(j).asDouble()).add(0.0));
                    }
                }
            }
        }
    };

    static CameraState empty(String cameraId) {
        return new CameraState(cameraId, Long.MIN_VALUE, 0, List.of(), List.of());
    }
}
