/**
 * Compliance rates: per-camera and facility windows of masked, unmasked and incorrectly masked
 * people.
 */
package io.maskwatch.alerter.compliance;
