package io.maskwatch.ingest.sharding;

import io.maskwatch.common.config.CameraConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Splits the camera list among ingest workers with rendezvous (highest random weight) hashing:
 * each camera goes to the worker whose {@code hash(cameraId, worker)} is largest.
 *
 * <p>Every worker computes the same answer from the same list without talking to the others, so no
 * camera is ingested twice and none is left out. When the worker count changes from N to N+1 only
 * about 1/(N+1) of the cameras move, unlike {@code hash % N}, which moves almost all of them.
 */
public final class CameraSharding {
    private CameraSharding() {
    }

    /** The enabled cameras that worker {@code index} of {@code count} ingests, in list order. */
    public static List<CameraConfig> assign(List<CameraConfig> cameras, int index, int count) {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("worker index " + index + " is not in 0.." + (count - 1));
        }
        return cameras.stream().filter(CameraConfig::enabled).filter(c -> owner(c.id(), count) == index).toList();
    }

    /** The worker (0..count-1) that owns a camera. */
    public static int owner(String cameraId, int count) {
        int best = 0;
        long bestWeight = Long.MIN_VALUE;
        for (int w = 0; w < count; w++) {
            long weight = weight(cameraId, w);
            if (weight > bestWeight) {
                best = w;
                bestWeight = weight;
            }
        }
        return best;
    }

    /** A stable 64-bit hash of (camera, worker): FNV-1a over the id's UTF-8 bytes, then a SplitMix64 finaliser. */
    static long weight(String cameraId, int worker) {
        long h = 0xcbf29ce484222325L;
        for (byte b : cameraId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= worker * 0x9E3779B97F4A7C15L;
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return h;
    }
}
