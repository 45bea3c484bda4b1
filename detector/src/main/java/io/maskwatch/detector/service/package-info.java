/**
 * The Kafka consumer-group service: frames topic in, detections topic out, dead letters, metrics;
 * at-least-once.
 */
package io.maskwatch.detector.service;
