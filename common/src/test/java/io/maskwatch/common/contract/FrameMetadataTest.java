package io.maskwatch.common.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class FrameMetadataTest {
    @Test
    void headersRoundTrip() {
        FrameMetadata m = FrameMetadata.of("lobby", 1234567890123L, 77, 1280, 720);
        RecordHeaders h = new RecordHeaders();
        m.writeTo(h);
        assertEquals(m, FrameMetadata.readFrom("t", h));
    }

    @Test
    void aCameraIdThatCouldNotBeAMetricLabelIsRejected() {
        for (String bad : new String[] {"lobby 1", "x".repeat(65), "cam\n1", "a{b=\"c\"}"}) {
            RecordHeaders h = new RecordHeaders();
            FrameMetadata.of("lobby", 1, 2, 3, 4).writeTo(h);
            h.remove(FrameMetadata.CAMERA).add(FrameMetadata.CAMERA, bad.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            EventDecodingException e = assertThrows(EventDecodingException.class, () -> FrameMetadata.readFrom("frames", h));
            assertTrue(e.reason().contains("mw.camera") && e.reason().contains("must be 1-64"), e.reason());
            assertTrue(!e.reason().contains("\n"), "no raw control characters in the reason: " + e.reason());
        }
    }

    @Test
    void missingHeaderIsNamed() {
        RecordHeaders h = new RecordHeaders();
        FrameMetadata.of("lobby", 1, 2, 3, 4).writeTo(h);
        h.remove(FrameMetadata.SEQUENCE);
        EventDecodingException e = assertThrows(EventDecodingException.class, () -> FrameMetadata.readFrom("frames", h));
        assertTrue(e.reason().contains("mw.seq"), e.reason());
    }

    @Test
    void wrongWidthAndNewerSchemaAreRejected() {
        RecordHeaders h = new RecordHeaders();
        FrameMetadata.of("lobby", 1, 2, 3, 4).writeTo(h);
        h.remove(FrameMetadata.WIDTH).add(FrameMetadata.WIDTH, new byte[] {1, 2});
        assertThrows(EventDecodingException.class, () -> FrameMetadata.readFrom("frames", h));
        RecordHeaders h2 = new RecordHeaders();
        FrameMetadata.of("lobby", 1, 2, 3, 4).writeTo(h2);
        h2.remove(FrameMetadata.SCHEMA).add(FrameMetadata.SCHEMA, ByteBuffer.allocate(4).putInt(99).array());
        EventDecodingException e = assertThrows(EventDecodingException.class, () -> FrameMetadata.readFrom("frames", h2));
        assertTrue(e.reason().contains("newer"), e.reason());
    }

    @Test
    void boxIou() {
        Box a = new Box(0, 0, 10, 10);
        assertEquals(1.0, a.iou(a), 1e-9);
        assertEquals(0.0, a.iou(new Box(20, 20, 30, 30)), 1e-9);
        assertEquals(25.0 / 175.0, a.iou(new Box(5, 5, 15, 15)), 1e-9);
    }
}
