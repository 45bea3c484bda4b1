/**
 * A real single-node Kafka broker (KRaft) in the JVM and a JUnit extension around it, for the services'
 * integration tests and the demo: plaintext by default, or a SASL_SSL listener (SCRAM-SHA-512, a
 * certificate made for the run) with the StandardAuthorizer for the security tests. Services depend on
 * it in test scope only.
 */
package io.maskwatch.embeddedkafka;
