/**
 * Cameras: {@code CameraWorker} supervises one camera (reconnect, backoff, stall watchdog),
 * {@code CameraCapture} streams one connection, {@code FrameSources} picks the adapter per URL kind.
 */
package io.maskwatch.ingest.camera;
