/** The ingest throughput benchmark (frames per second and CPU per frame), run by {@code ./maskwatch bench}. */
package io.maskwatch.ingest.bench;
