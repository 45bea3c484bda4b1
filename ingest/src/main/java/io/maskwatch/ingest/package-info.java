/**
 * The ingest service: its command, settings and {@code IngestService}, which wires the cameras, the
 * sharding of cameras across workers and the frame publisher.
 */
package io.maskwatch.ingest;
