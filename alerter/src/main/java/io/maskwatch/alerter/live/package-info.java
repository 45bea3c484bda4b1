/**
 * The live view: the latest frame of every camera joined with its detections ({@link io.maskwatch.alerter.live.LiveFrames}),
 * fed by a non-committing, latest-only consumer ({@link io.maskwatch.alerter.live.LiveFeed}), annotated on request
 * ({@link io.maskwatch.alerter.live.FrameAnnotator}), and the full frame kept for each alert.
 */
package io.maskwatch.alerter.live;
