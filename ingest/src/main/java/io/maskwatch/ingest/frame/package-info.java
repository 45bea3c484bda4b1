/** Per-frame work between capture and publish: sampling, real-time pacing of files, scaling and JPEG encoding. */
package io.maskwatch.ingest.frame;
