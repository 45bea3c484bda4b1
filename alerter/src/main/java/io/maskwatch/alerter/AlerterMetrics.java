package io.maskwatch.alerter;

import io.maskwatch.common.contract.PersonStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The alerter's meters (names in docs/ALERTER.md). Counters are incremented where the event is
 * produced; under exactly-once a crashed, retried transaction can count twice, the topics never.
 */
public final class AlerterMetrics {
    private final MeterRegistry registry;
    private final Timer captureToAlert;
    private final ConcurrentHashMap<String, AtomicInteger> activeTracks = new ConcurrentHashMap<>();

    public AlerterMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.captureToAlert = Timer.builder("maskwatch.alerter.capture.to.alert")
                .description("camera capture of the confirming frame to the alert being produced")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** @param status unmasked or incorrect (mask below nose): a tag, so the dashboards' sums stay what they were */
    public void alert(String camera, PersonStatus status, long captureToAlertMs) {
        registry.counter("maskwatch.alerter.alerts", "camera", camera, "status", status.wireName()).increment();
        captureToAlert.record(Duration.ofMillis(Math.max(0, captureToAlertMs)));
    }

    public void personCounted(String camera, PersonStatus status) {
        registry.counter("maskwatch.alerter.persons", "camera", camera, "status", status.wireName()).increment();
    }

    public void detection(String camera, String result) {
        registry.counter("maskwatch.alerter.detections", "camera", camera, "result", result).increment();
    }

    public Counter decodeErrors(String topic) {
        return Counter.builder("maskwatch.alerter.decode.errors").tag("topic", topic)
                .description("records that could not be decoded and were skipped").register(registry);
    }

    public void decodeError(String topic) {
        decodeErrors(topic).increment();
    }

    public void notification(String sink, String result) {
        registry.counter("maskwatch.alerter.notifications", "sink", sink, "result", result).increment();
    }

    public Counter notificationDlq(String sink) {
        return Counter.builder("maskwatch.alerter.notifications.dlq").tag("sink", sink)
                .description("notifications written to the dead-letter topic").register(registry);
    }

    public Timer deliveryTimer(String sink) {
        return Timer.builder("maskwatch.alerter.notification.delivery").tag("sink", sink)
                .description("time to deliver one notification to a sink, retries included")
                .register(registry);
    }

    public void compliance(String key, String result) {
        registry.counter("maskwatch.alerter.compliance.updates", "camera", key, "result", result).increment();
    }

    /** Active tracks of a camera owned by this instance. */
    public void activeTracks(String camera, int n) {
        activeTracks.computeIfAbsent(camera, c -> {
            AtomicInteger holder = new AtomicInteger();
            Gauge.builder("maskwatch.alerter.tracks.active", holder, AtomicInteger::get).tag("camera", c)
                    .description("people being followed right now").register(registry);
            return holder;
        }).set(n);
    }
}
