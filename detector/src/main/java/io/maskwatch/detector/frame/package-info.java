/**
 * JPEG frames in and out: decoding with clear errors, encoding crops and heat maps.
 */
package io.maskwatch.detector.frame;
