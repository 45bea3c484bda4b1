/**
 * Kafka client plumbing the services share: producer/consumer settings, idempotent topic creation, the
 * least-privilege ACL table ({@link io.maskwatch.common.kafka.KafkaAcls}) and the start-up check of a
 * service's credentials and ACLs. Clients only: the in-JVM broker for tests and the demo is the separate
 * embedded-kafka module.
 */
package io.maskwatch.common.kafka;
