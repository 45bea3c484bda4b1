package io.maskwatch.detector.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.detector.DetectorConfig.Tiling;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.Test;

class TiledFaceDetectorTest {
    @Test
    void tileStartsCoverTheAxisWithAtLeastTheRequestedOverlap() {
        int[] s = TiledFaceDetector.starts(1280, 512, 0.25);
        assertEquals(0, s[0]);
        assertEquals(1280 - 512, s[s.length - 1]);
        for (int i = 1; i < s.length; i++) {
            assertTrue(512 - (s[i] - s[i - 1]) >= 0.25 * 512 - 1, "overlap between tiles " + (i - 1) + " and " + i);
        }
        assertArrayEquals(new int[] {0}, TiledFaceDetector.starts(400, 512, 0.25));
    }

    @Test
    void smallFramesAreNotTiled() {
        assertTrue(TiledFaceDetector.tiles(640, 360, Tiling.on(640)).isEmpty());
        assertTrue(TiledFaceDetector.tiles(1280, 720, new Tiling("on", 512, 0.25, 1920)).isEmpty());
        assertTrue(TiledFaceDetector.tiles(640, 360, Tiling.defaults()).isEmpty(), "auto tiles HD frames only");
    }

    @Test
    void autoModeTilesTheFixedInputBackendsOnly() {
        assertTrue(Tiling.defaults().activeFor("blazeface"));
        assertTrue(Tiling.defaults().activeFor("res10"));
        assertTrue(!Tiling.defaults().activeFor("yunet"));
        assertTrue(!Tiling.off().activeFor("blazeface"));
        assertTrue(Tiling.on(400).activeFor("yunet"));
    }

    @Test
    void facesAtInnerTileBordersCountAsCut() {
        Rect inner = new Rect(384, 208, 512, 512); // not at the frame's left/top edge
        DetectedFace nearTop = new DetectedFace(new io.maskwatch.common.contract.Box(100, 6, 160, 80), 0.9f, null);
        DetectedFace middle = new DetectedFace(new io.maskwatch.common.contract.Box(100, 100, 160, 180), 0.9f, null);
        assertTrue(TiledFaceDetector.cutByInnerEdge(nearTop, inner, 1280, 720));
        assertTrue(!TiledFaceDetector.cutByInnerEdge(middle, inner, 1280, 720));
        Rect corner = new Rect(0, 0, 512, 512); // the frame's own edge does not cut faces
        assertTrue(!TiledFaceDetector.cutByInnerEdge(nearTop, corner, 1280, 720));
    }

    @Test
    void tilesOfAHdFrameStayInsideIt() {
        List<Rect> tiles = TiledFaceDetector.tiles(1280, 720, Tiling.on(512));
        assertEquals(3 * 2, tiles.size());
        for (Rect r : tiles) {
            assertTrue(r.x() >= 0 && r.y() >= 0 && r.x() + r.width() <= 1280 && r.y() + r.height() <= 720);
            assertEquals(512, r.width());
        }
    }
}
