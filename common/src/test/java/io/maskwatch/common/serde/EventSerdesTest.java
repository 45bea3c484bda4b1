package io.maskwatch.common.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.AlertImages;
import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.ComplianceWindow;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.EventDecodingException;
import io.maskwatch.common.contract.Face;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.common.contract.Notification;
import io.maskwatch.common.contract.PersonEvent;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.contract.SchemaVersions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

public class EventSerdesTest {
    public static DetectionEvent sampleDetection() {
        Face face = new Face(new Box(10, 20, 74, 100), 0.97, FaceLabel.NO_MASK, 0.91,
                Map.of("mask", 0.09, "no_mask", 0.91), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2}, null);
        return DetectionEvent.of("entrance-a", 42, 1_700_000_000_000L, 1_700_000_000_120L, 1280, 720,
                "blazeface", "mobilenetv2-128@abc", List.of(face));
    }

    @Test
    void detectionRoundTripKeepsEveryField() {
        JsonSerde<DetectionEvent> serde = EventSerdes.detections();
        DetectionEvent in = sampleDetection();
        DetectionEvent out = serde.deserialize("t", serde.serialize("t", in));
        assertEquals(in.cameraId(), out.cameraId());
        assertEquals(in.frameSequence(), out.frameSequence());
        assertEquals(in.captureTimestampMs(), out.captureTimestampMs());
        assertEquals(SchemaVersions.DETECTION, out.schemaVersion());
        Face f = out.faces().get(0);
        assertEquals(FaceLabel.NO_MASK, f.label());
        assertEquals(0.91, f.probability(FaceLabel.NO_MASK), 1e-9);
        assertEquals(new Box(10, 20, 74, 100), f.box());
        assertArrayEquals(in.faces().get(0).cropJpeg(), f.cropJpeg());
        assertNull(f.heatmapJpeg());
    }

    @Test
    void detectionJsonUsesDocumentedSnakeCaseNames() {
        String json = new String(EventSerdes.detections().serialize("t", sampleDetection()), StandardCharsets.UTF_8);
        for (String field : List.of("\"schema_version\":2", "\"camera_id\":\"entrance-a\"", "\"frame_sequence\":42",
                "\"capture_timestamp_ms\"", "\"processed_timestamp_ms\"", "\"frame_width\":1280", "\"face_score\"",
                "\"label\":\"no_mask\"", "\"probabilities\"", "\"crop_jpeg\"", "\"heatmap_jpeg\":null")) {
            assertTrue(json.contains(field), () -> field + " missing in " + json);
        }
    }

    @Test
    void otherEventsRoundTrip() {
        PersonEvent p = new PersonEvent(2, "cam", "cam-7", PersonEvent.Type.CONFIRMED, PersonStatus.INCORRECT,
                1, 2, 3, 5, 0.8);
        assertEquals(p, EventSerdes.persons().deserialize("t", EventSerdes.persons().serialize("t", p)));
        ComplianceWindow w = new ComplianceWindow(2, ComplianceWindow.FACILITY, 0, 60_000, 5, 3, 1, 1, 0,
                ComplianceWindow.ratio(3, 1, 1));
        assertEquals(0.6, w.compliance(), 1e-9);
        assertEquals(w, EventSerdes.compliance().deserialize("t", EventSerdes.compliance().serialize("t", w)));
        Notification n = new Notification(2, "n1", "cam", "Entrance A", 0, 60_000, List.of("a1", "a2"),
                List.of(PersonStatus.UNMASKED, PersonStatus.INCORRECT), "2 people without a mask at Entrance A in the last 60 s", List.of("http://x/api/alerts/a1/face.jpg"));
        assertEquals(n, EventSerdes.notifications().deserialize("t", EventSerdes.notifications().serialize("t", n)));
        Alert a = new Alert(2, "cam-7-1", "cam", "cam-7", 5, PersonStatus.INCORRECT, 0.9, 6, new Box(1, 2, 3, 4),
                new byte[] {1}, null);
        Alert back = EventSerdes.alerts().deserialize("t", EventSerdes.alerts().serialize("t", a));
        assertEquals(a.alertId(), back.alertId());
        assertEquals(PersonStatus.INCORRECT, back.status());
        assertArrayEquals(a.faceJpeg(), back.faceJpeg());
    }

    @Test
    void alertImagesTravelApartAndJoinBack() {
        Alert a = new Alert(SchemaVersions.ALERT, "cam-7-1", "cam", "cam-7", 5, PersonStatus.UNMASKED, 0.9, 6,
                new Box(1, 2, 3, 4), new byte[] {(byte) 0xFF, (byte) 0xD8, 7}, new byte[] {9});
        String json = new String(EventSerdes.alerts().serialize("t", a.withoutImages()), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"face_jpeg\":null") || !json.contains("face_jpeg\":\""), json);
        assertTrue(!json.contains("has_images") && !json.contains("\"images\""), "helpers are not fields: " + json);
        AlertImages img = EventSerdes.alertImages().deserialize("i",
                EventSerdes.alertImages().serialize("i", a.images()));
        assertEquals(SchemaVersions.ALERT_IMAGES, img.schemaVersion());
        assertEquals("cam-7-1", img.alertId());
        Alert joined = EventSerdes.alerts().deserialize("t", json.getBytes(StandardCharsets.UTF_8)).withImages(img);
        assertArrayEquals(a.faceJpeg(), joined.faceJpeg());
        assertArrayEquals(a.heatmapJpeg(), joined.heatmapJpeg());
        assertNull(new Alert(3, "x", "c", "t", 1, PersonStatus.UNMASKED, 1, 1, null, null, null).images());
    }

    @Test
    void schema2AlertWithInlineImagesStillDecodes() {
        Alert a = decode(EventSerdes.alerts(), """
                {"schema_version":2,"alert_id":"c-1-1","camera_id":"c","track_id":"c-1","timestamp_ms":5,"status":"unmasked",
                 "confidence":0.9,"frame_count":6,"box":null,"face_jpeg":"/9gH","heatmap_jpeg":"CQ=="}""");
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xD8, 7}, a.faceJpeg());
        assertTrue(a.hasImages());
    }

    @Test
    void garbageBytesGiveTypedError() {
        EventDecodingException e = assertThrows(EventDecodingException.class,
                () -> EventSerdes.detections().deserialize("maskwatch.detections", new byte[] {(byte) 0xFF, (byte) 0xD8, 0, 1}));
        assertEquals("maskwatch.detections", e.topic());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void unknownFieldIsNamed() {
        String json = new String(EventSerdes.persons().serialize("t", new PersonEvent(2, "c", "t", PersonEvent.Type.STARTED,
                PersonStatus.UNCERTAIN, 1, 1, 1, 1, 0)), StandardCharsets.UTF_8).replace("{", "{\"colour\":\"red\",");
        EventDecodingException e = assertThrows(EventDecodingException.class,
                () -> EventSerdes.persons().deserialize("t", json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.reason().contains("unknown field 'colour'"), e.reason());
    }

    @Test
    void missingFieldIsNamed() {
        String json = "{\"schema_version\":1,\"camera_id\":\"c\",\"frame_sequence\":1}";
        EventDecodingException e = assertThrows(EventDecodingException.class,
                () -> EventSerdes.detections().deserialize("t", json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.reason().contains("capture_timestamp_ms"), e.reason());
    }

    @Test
    void unknownLabelIsExplained() {
        String json = new String(EventSerdes.detections().serialize("t", sampleDetection()), StandardCharsets.UTF_8)
                .replace("\"no_mask\",\"score\"", "\"helmet\",\"score\"");
        EventDecodingException e = assertThrows(EventDecodingException.class,
                () -> EventSerdes.detections().deserialize("t", json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.reason().contains("helmet"), e.reason());
    }

    @Test
    void aDetectionWithACameraIdThatCouldNotBeAMetricLabelIsRejected() {
        String json = new String(EventSerdes.detections().serialize("t", sampleDetection()), StandardCharsets.UTF_8);
        String camera = sampleDetection().cameraId();
        String bad = json.replace("\"camera_id\":\"" + camera + "\"", "\"camera_id\":\"lobby} 1\\n\"");
        assertTrue(!bad.equals(json), "the test replaced the camera id");
        EventDecodingException e = assertThrows(EventDecodingException.class,
                () -> EventSerdes.detections().deserialize("t", bad.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.reason().contains("camera_id must be 1-64"), e.reason());
    }

    // --- schema 1 (2-class) records, as version 1 producers wrote them, still decode ---

    private static <T> T decode(JsonSerde<T> serde, String json) {
        return serde.deserialize("t", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void schema1DetectionDecodes() {
        DetectionEvent ev = decode(EventSerdes.detections(), """
                {"schema_version":1,"camera_id":"entrance-a","frame_sequence":42,"capture_timestamp_ms":1700000000000,
                 "processed_timestamp_ms":1700000000120,"frame_width":1280,"frame_height":720,"detector":"blazeface",
                 "model":"mask-classifier@abc","faces":[{"box":{"x1":10.0,"y1":20.0,"x2":74.0,"y2":100.0},
                 "face_score":0.8,"label":"no_mask","score":0.9,"probabilities":{"mask":0.1,"no_mask":0.9},
                 "crop_jpeg":null,"heatmap_jpeg":null}]}""");
        assertEquals(1, ev.schemaVersion());
        Face f = ev.faces().get(0);
        assertEquals(FaceLabel.NO_MASK, f.label());
        assertEquals(0.0, f.probability(FaceLabel.INCORRECT));
        // Schema 1 score was P(label | face); joint() gives the schema 2 meaning for either version.
        assertEquals(0.72, f.joint(FaceLabel.NO_MASK), 1e-9);
    }

    @Test
    void schema2DetectionCarriesIncorrect() {
        DetectionEvent ev = decode(EventSerdes.detections(), """
                {"schema_version":2,"camera_id":"c","frame_sequence":1,"capture_timestamp_ms":1,
                 "processed_timestamp_ms":2,"frame_width":640,"frame_height":480,"detector":"blazeface","model":"m",
                 "faces":[{"box":{"x1":1,"y1":2,"x2":30,"y2":40},"face_score":0.9,"label":"incorrect","score":0.63,
                 "probabilities":{"mask":0.2,"no_mask":0.1,"incorrect":0.7},"crop_jpeg":null,"heatmap_jpeg":null}]}""");
        Face f = ev.faces().get(0);
        assertEquals(FaceLabel.INCORRECT, f.label());
        assertEquals(0.63, f.joint(FaceLabel.INCORRECT), 1e-9);
        String back = new String(EventSerdes.detections().serialize("t", ev), StandardCharsets.UTF_8);
        assertTrue(back.contains("\"label\":\"incorrect\""), back);
    }

    @Test
    void schema1PersonAlertComplianceAndNotificationDecode() {
        PersonEvent p = decode(EventSerdes.persons(), """
                {"schema_version":1,"camera_id":"c","track_id":"c-1","type":"confirmed","status":"unmasked",
                 "started_timestamp_ms":1,"last_seen_timestamp_ms":2,"event_timestamp_ms":2,"frame_count":4,"confidence":0.8}""");
        assertEquals(PersonStatus.UNMASKED, p.status());

        Alert a = decode(EventSerdes.alerts(), """
                {"schema_version":1,"alert_id":"c-1-1","camera_id":"c","track_id":"c-1","timestamp_ms":5,
                 "confidence":0.9,"frame_count":6,"box":{"x1":1,"y1":2,"x2":3,"y2":4},"face_jpeg":null,"heatmap_jpeg":null}""");
        assertEquals(1, a.schemaVersion());
        assertEquals(PersonStatus.UNMASKED, a.status());

        ComplianceWindow w = decode(EventSerdes.compliance(), """
                {"schema_version":1,"camera_id":"_facility","window_start_ms":0,"window_end_ms":60000,"persons":4,
                 "masked":3,"unmasked":1,"uncertain":0,"compliance":0.75}""");
        assertEquals(0, w.incorrect());
        assertEquals(1, w.unmasked());
        assertEquals(0.75, w.compliance(), 1e-9);

        Notification n = decode(EventSerdes.notifications(), """
                {"schema_version":1,"notification_id":"n-a1","camera_id":"c","camera_name":"C","window_start_ms":0,
                 "window_end_ms":1,"alert_ids":["a1","a2"],"message":"2 people without a mask at C in the last 60 s",
                 "snapshot_urls":[]}""");
        assertEquals(List.of(PersonStatus.UNMASKED, PersonStatus.UNMASKED), n.alertStatuses());
    }

    @Test
    void schema2RecordsMissingTheNewFieldsAreNotPatched() {
        // The upgrade fills what version 1 did not have; for version 2 the field names a real omission.
        EventDecodingException e = assertThrows(EventDecodingException.class, () -> decode(EventSerdes.alerts(), """
                {"schema_version":2,"alert_id":"c-1-1","camera_id":"c","track_id":"c-1","timestamp_ms":5,
                 "confidence":0.9,"frame_count":6,"box":null,"face_jpeg":null,"heatmap_jpeg":null}"""));
        assertTrue(e.reason().contains("status"), e.reason());
    }

    @Test
    void alertOfACompliantStatusIsRejected() {
        EventDecodingException e = assertThrows(EventDecodingException.class, () -> decode(EventSerdes.alerts(), """
                {"schema_version":2,"alert_id":"c-1-1","camera_id":"c","track_id":"c-1","timestamp_ms":5,"status":"masked",
                 "confidence":0.9,"frame_count":6,"box":null,"face_jpeg":null,"heatmap_jpeg":null}"""));
        assertTrue(e.reason().contains("unmasked or incorrect"), e.reason());
    }
}
