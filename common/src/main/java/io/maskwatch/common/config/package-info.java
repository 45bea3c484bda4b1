/**
 * Configuration: the YAML file with environment overrides, one immutable record per section, and the
 * cross-service Kafka settings (including the message-size rule {@code KafkaSettings.MAX_MESSAGE_BYTES}).
 */
package io.maskwatch.common.config;
