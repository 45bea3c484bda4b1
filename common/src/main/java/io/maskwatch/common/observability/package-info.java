/** Metrics (Micrometer/Prometheus), health checks and the small HTTP server each service exposes them on. */
package io.maskwatch.common.observability;
