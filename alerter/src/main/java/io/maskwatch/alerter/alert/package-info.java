/**
 * The alert decision: one policy owns the vote, thresholds, the incorrect-mask policy and the
 * cooldown.
 */
package io.maskwatch.alerter.alert;
