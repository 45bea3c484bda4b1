/** Bounded, drop-oldest queues per camera and the Kafka producer that sends frames with their metadata headers. */
package io.maskwatch.ingest.publish;
