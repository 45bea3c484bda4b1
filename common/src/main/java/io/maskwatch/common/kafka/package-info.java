/**
 * Kafka client plumbing the services share: producer/consumer settings and idempotent topic creation.
 * Clients only: the in-JVM broker for tests and the demo is the separate embedded-kafka module.
 */
package io.maskwatch.common.kafka;
