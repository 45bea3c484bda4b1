/**
 * The demo's built-in sample camera: public photos with synthetic masks painted from BlazeFace
 * keypoints, panned like a camera.
 */
package io.maskwatch.app.sample;
