package io.maskwatch.ingest.frame;

import io.maskwatch.common.contract.FrameMetadata;

/**
 * A sampled, JPEG-encoded frame on its way to Kafka.
 *
 * @param metadata  what goes into the record headers (camera, capture time, sequence, JPEG size)
 * @param jpeg      the record value
 * @param grabNanos {@link System#nanoTime()} when the frame was grabbed, for grab-to-send latency
 */
public record EncodedFrame(FrameMetadata metadata, byte[] jpeg, long grabNanos) {
    public String cameraId() {
        return metadata.cameraId();
    }
}
