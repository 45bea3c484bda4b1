package io.maskwatch.ingest.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.maskwatch.common.contract.FrameMetadata;
import io.maskwatch.ingest.frame.EncodedFrame;
import org.junit.jupiter.api.Test;

class FrameQueueTest {
    static EncodedFrame frame(long seq, int bytes) {
        return new EncodedFrame(FrameMetadata.of("cam", 1000 + seq, seq, 64, 48), new byte[bytes], 0);
    }

    @Test
    void fullQueueEvictsTheOldestFrame() {
        FrameQueue q = new FrameQueue(3);
        assertNull(q.offer(frame(0, 10)));
        assertNull(q.offer(frame(1, 10)));
        assertNull(q.offer(frame(2, 10)));
        assertEquals(0, q.offer(frame(3, 10)).metadata().sequence());
        assertEquals(1, q.offer(frame(4, 10)).metadata().sequence());
        assertEquals(3, q.size());
        assertEquals(30, q.bytes());
        assertEquals(2, q.poll().metadata().sequence());
        assertEquals(3, q.poll().metadata().sequence());
        assertEquals(4, q.poll().metadata().sequence());
        assertNull(q.poll());
        assertEquals(0, q.bytes());
    }
}
