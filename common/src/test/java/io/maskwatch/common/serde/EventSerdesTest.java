package io.maskwatch.common.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.contract.Alert;
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
        for (String field : List.of("\"schema_version\":1", "\"camera_id\":\"entrance-a\"", "\"frame_sequence\":42",
                "\"capture_timestamp_ms\"", "\"processed_timestamp_ms\"", "\"frame_width\":1280", "\"face_score\"",
                "\"label\":\"no_mask\"", "\"probabilities\"", "\"crop_jpeg\"", "\"heatmap_jpeg\":null")) {
            assertTrue(json.contains(field), () -> field + " missing in " + json);
        }
    }

    @Test
    void otherEventsRoundTrip() {
        PersonEvent p = new PersonEvent(1, "cam", "cam-7", PersonEvent.Type.CONFIRMED, PersonStatus.UNMASKED,
                1, 2, 3, 5, 0.8);
        assertEquals(p, EventSerdes.persons().deserialize("t", EventSerdes.persons().serialize("t", p)));
        ComplianceWindow w = new ComplianceWindow(1, ComplianceWindow.FACILITY, 0, 60_000, 4, 3, 1, 0,
                ComplianceWindow.ratio(3, 1));
        assertEquals(w, EventSerdes.compliance().deserialize("t", EventSerdes.compliance().serialize("t", w)));
        Notification n = new Notification(1, "n1", "cam", "Entrance A", 0, 60_000, List.of("a1", "a2"),
                "2 people without a mask at Entrance A in the last 60 s", List.of("http://x/api/alerts/a1/face.jpg"));
        assertEquals(n, EventSerdes.notifications().deserialize("t", EventSerdes.notifications().serialize("t", n)));
        Alert a = new Alert(1, "cam-7-1", "cam", "cam-7", 5, 0.9, 6, new Box(1, 2, 3, 4), new byte[] {1}, null);
        Alert back = EventSerdes.alerts().deserialize("t", EventSerdes.alerts().serialize("t", a));
        assertEquals(a.alertId(), back.alertId());
        assertArrayEquals(a.faceJpeg(), back.faceJpeg());
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
        String json = new String(EventSerdes.persons().serialize("t", new PersonEvent(1, "c", "t", PersonEvent.Type.STARTED,
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
}
