package io.maskwatch.ingest.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.CameraConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CameraShardingTest {
    private static List<CameraConfig> cameras(int n) {
        return IntStream.range(0, n).mapToObj(i -> new CameraConfig("site-a.cam-" + i, null, "rtsp://h/" + i, 2, 0,
                85, true, "tcp", false)).toList();
    }

    @Test
    void twoWorkersCoverEveryCameraExactlyOnce() {
        List<CameraConfig> all = cameras(200);
        List<CameraConfig> w0 = CameraSharding.assign(all, 0, 2);
        List<CameraConfig> w1 = CameraSharding.assign(all, 1, 2);
        Set<String> seen = new HashSet<>();
        w0.forEach(c -> assertTrue(seen.add(c.id())));
        w1.forEach(c -> assertTrue(seen.add(c.id()), "camera on both workers: " + c.id()));
        assertEquals(200, seen.size());
        assertTrue(w0.size() > 70 && w1.size() > 70, "roughly balanced: " + w0.size() + "/" + w1.size());
    }

    @Test
    void anyWorkerCountPartitionsTheListAndStaysBalanced() {
        List<CameraConfig> all = cameras(1000);
        for (int count = 1; count <= 7; count++) {
            int total = 0;
            for (int w = 0; w < count; w++) {
                int n = CameraSharding.assign(all, w, count).size();
                assertTrue(Math.abs(n - 1000.0 / count) < 0.25 * 1000 / count + 10,
                        count + " workers: worker " + w + " got " + n);
                total += n;
            }
            assertEquals(1000, total);
        }
    }

    @Test
    void addingAWorkerMovesOnlyItsShare() {
        List<CameraConfig> all = cameras(1000);
        long moved = all.stream().filter(c -> CameraSharding.owner(c.id(), 3) != CameraSharding.owner(c.id(), 4))
                .count();
        // ideal: 1/4 of the cameras move to the new worker, nothing moves between the old ones
        assertTrue(moved > 180 && moved < 320, "moved " + moved);
        all.stream().filter(c -> CameraSharding.owner(c.id(), 3) != CameraSharding.owner(c.id(), 4))
                .forEach(c -> assertEquals(3, CameraSharding.owner(c.id(), 4)));
    }

    @Test
    void disabledCamerasAreNobodysAndBadIndexIsRejected() {
        CameraConfig off = new CameraConfig("off", null, "rtsp://h/x", 2, 0, 85, false, "tcp", false);
        assertTrue(CameraSharding.assign(List.of(off), 0, 1).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> CameraSharding.assign(List.of(off), 2, 2));
    }

    @Test
    void ownersArePinnedSoMixedVersionsDuringARollingUpgradeAgree() {
        // If this changes, workers of the old and new version would ingest some cameras twice
        // (and others not at all) until the rollout completes: change the hash only deliberately.
        int[][] expected = {{0, 0, 0, 0}, {0, 1, 2, 2}, {0, 1, 1, 3}, {0, 1, 1, 3}};
        String[] ids = {"entrance-a", "lobby", "dock-3", "parking.north"};
        for (int i = 0; i < ids.length; i++) {
            for (int n = 1; n <= 4; n++) {
                assertEquals(expected[i][n - 1], CameraSharding.owner(ids[i], n), ids[i] + " with " + n + " workers");
            }
        }
    }
}
