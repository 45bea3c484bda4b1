/**
 * Offline analysis of images, videos and crop folders into JSON lines, without Kafka.
 */
package io.maskwatch.detector.analyze;
