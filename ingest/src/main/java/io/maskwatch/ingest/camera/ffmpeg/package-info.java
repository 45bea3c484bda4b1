/** The FFmpeg (JavaCV) adapter: the frame source, its log routing with URL scrubbing, and readable error messages. */
package io.maskwatch.ingest.camera.ffmpeg;
