/**
 * Benchmarks of the detector alone and of face recall per backend on a VOC scene set; numbers go to
 * docs, never into tests.
 */
package io.maskwatch.detector.bench;
