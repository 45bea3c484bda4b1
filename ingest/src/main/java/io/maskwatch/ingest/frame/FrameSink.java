package io.maskwatch.ingest.frame;

/** Where a camera thread hands its encoded frames. Must never block the camera thread. */
@FunctionalInterface
public interface FrameSink {
    void offer(EncodedFrame frame);
}
