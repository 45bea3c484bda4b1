/** The pipeline benchmark with ingest, detector and alerter each in its own JVM, as in production: per-service memory and CPU. */
package io.maskwatch.app.bench.process;
