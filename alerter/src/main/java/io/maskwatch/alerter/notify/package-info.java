/**
 * Notifications: grouping and rate limiting of alerts, and delivery to sinks (webhook, Slack, e-mail, log)
 * outside the stream threads, with retries and a dead-letter topic.
 */
package io.maskwatch.alerter.notify;
