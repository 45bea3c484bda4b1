package io.maskwatch.alerter.tracking;

import java.util.HashMap;
import java.util.Map;

/**
 * The best face crop and heat map of each live track, kept apart from the track state: the state
 * is rewritten on every frame, the images only when a better face shows up (a few times per person),
 * which keeps the changelog small.
 */
public interface TrackImages {
    /** A face crop and its heat map; either may be null. */
    record Images(byte[] cropJpeg, byte[] heatmapJpeg) {
    }

    Images get(String trackId);

    void put(String trackId, Images images);

    void remove(String trackId);

    /** For tests and tools that run the tracker without Kafka. */
    static TrackImages inMemory() {
        Map<String, Images> m = new HashMap<>();
        return new TrackImages() {
            @Override
            public Images get(String trackId) {
                return m.get(trackId);
            }

            @Override
            public void put(String trackId, Images images) {
                m.put(trackId, images);
            }

            @Override
            public void remove(String trackId) {
                m.remove(trackId);
            }
        };
    }
}
