/**
 * Benchmarks of the tracker and of the topology on a broker; numbers go to docs.
 */
package io.maskwatch.alerter.bench;
