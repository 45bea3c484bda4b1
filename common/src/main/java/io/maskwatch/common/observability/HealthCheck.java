package io.maskwatch.common.observability;

/** A named readiness condition, e.g. "kafka producer connected" or "model loaded". */
@FunctionalInterface
public interface HealthCheck {
    /** @return null when healthy, otherwise a short reason shown on /health/ready */
    String problem();
}
