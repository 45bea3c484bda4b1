/**
 * Rendering class activation maps: upsampling, colour map, blending over the face crop.
 */
package io.maskwatch.detector.heatmap;
