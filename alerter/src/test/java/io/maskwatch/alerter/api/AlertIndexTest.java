package io.maskwatch.alerter.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.AlertImages;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.contract.SchemaVersions;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlertIndexTest {
    private static Alert record(String id, long ts) {
        return new Alert(SchemaVersions.ALERT, id, "cam", "cam-1", ts, PersonStatus.UNMASKED, 0.9, 4, null, null, null);
    }

    private static AlertImages images(String id) {
        return new AlertImages(SchemaVersions.ALERT_IMAGES, id, new byte[] {1, 2}, new byte[] {3});
    }

    @Test
    void imagesJoinWhicheverTopicIsReadFirst() {
        AlertIndex idx = new AlertIndex(10);
        idx.add(record("a", 1));
        idx.putImages(images("a"));
        idx.putImages(images("b"));
        idx.add(record("b", 2));
        assertArrayEquals(new byte[] {1, 2}, idx.get("a").orElseThrow().faceJpeg());
        assertArrayEquals(new byte[] {3}, idx.get("b").orElseThrow().heatmapJpeg());
        assertArrayEquals(new byte[] {1, 2}, idx.query(Set.of(), null, null, 10).get(1).faceJpeg(), "query joins too");
        idx.add(record("a", 1)); // a re-read of the image-less record keeps the images
        assertTrue(idx.get("a").orElseThrow().hasImages());
    }

    @Test
    void aTombstoneDropsTheImagesAndErasureDropsTheAlertForGood() {
        AlertIndex idx = new AlertIndex(10);
        idx.add(record("a", 1));
        idx.putImages(images("a"));
        idx.removeImages("a");
        assertFalse(idx.get("a").orElseThrow().hasImages());
        assertNull(idx.get("a").orElseThrow().faceJpeg());

        idx.add(record("b", 2));
        idx.erase("b");
        idx.putImages(images("b"));
        idx.add(record("b", 2));
        assertTrue(idx.get("b").isEmpty(), "re-reading both topics does not bring an erased alert back");
    }

    @Test
    void pendingImagesAreBounded() {
        AlertIndex idx = new AlertIndex(2);
        idx.putImages(images("x"));
        idx.putImages(images("y"));
        idx.putImages(images("z"));
        idx.add(record("x", 1));
        assertFalse(idx.get("x").orElseThrow().hasImages(), "the oldest pending images were dropped");
    }
}
