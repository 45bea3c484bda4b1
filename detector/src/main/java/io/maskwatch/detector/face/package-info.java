/**
 * Face detection: the {@code FaceBackend} plugins (one class per backend: name, model files,
 * defaults, construction), the registry {@code FaceBackends} that picks the best installed one, and
 * the detectors, tiling, NMS and box calibration they share.
 */
package io.maskwatch.detector.face;
