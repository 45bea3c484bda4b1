/**
 * From face boxes to labels: the classifier's square crops, class names mapped to labels by name,
 * and the one rule for a face's score (P(face) x P(label | face)).
 */
package io.maskwatch.detector.mask;
