/** Benchmarks across services: the whole pipeline on an embedded broker in one JVM. */
package io.maskwatch.app.bench;
