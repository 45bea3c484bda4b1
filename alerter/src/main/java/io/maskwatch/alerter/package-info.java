/**
 * The alerter service: configuration, the Kafka Streams topology (detections to persons, alerts,
 * notifications and compliance) and its settings.
 */
package io.maskwatch.alerter;
