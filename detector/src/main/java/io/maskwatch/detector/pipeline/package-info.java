/**
 * Where a frame becomes labelled faces: decode, detect (frames in parallel), one classifier call
 * per batch, crop and heat-map JPEGs, stage timings.
 */
package io.maskwatch.detector.pipeline;
