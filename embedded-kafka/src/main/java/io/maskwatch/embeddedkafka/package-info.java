/**
 * A real single-node Kafka broker (KRaft) in the JVM and a JUnit extension around it, for the services'
 * integration tests and the demo. Services depend on it in test scope only.
 */
package io.maskwatch.embeddedkafka;
