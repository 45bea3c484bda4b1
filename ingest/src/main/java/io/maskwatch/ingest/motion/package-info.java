/** Optional motion gating: skip frames with no motion against the last sent one, with a heartbeat. */
package io.maskwatch.ingest.motion;
