package io.maskwatch.app.deploy;

import io.maskwatch.common.observability.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of the metric contract every service implements (HELPERS-COMMON.md, "Metric names"),
 * registered in a real service registry ({@link Metrics#newRegistry}) so that Micrometer's own
 * Prometheus naming decides the exported names. Dashboards are checked against this until the
 * services' real scrapes replace it (TODO after merge).
 */
final class ContractMeters {
    /** Base names (Prometheus form, without _total/_seconds suffixes) of every contract meter. */
    static final List<String> BASE_NAMES = List.of(
            "maskwatch_ingest_frames_grabbed", "maskwatch_ingest_frames_sent", "maskwatch_ingest_frames_dropped",
            "maskwatch_ingest_decode_errors", "maskwatch_ingest_reconnects", "maskwatch_ingest_camera_up",
            "maskwatch_ingest_grab_to_send", "maskwatch_ingest_bytes_sent",
            "maskwatch_detector_frames_processed", "maskwatch_detector_frames_skipped",
            "maskwatch_detector_frames_failed", "maskwatch_detector_faces", "maskwatch_detector_stage",
            "maskwatch_detector_capture_to_detection", "maskwatch_detector_batch_size",
            "maskwatch_alerter_alerts", "maskwatch_alerter_persons", "maskwatch_alerter_compliance_ratio",
            "maskwatch_alerter_persons_recent", "maskwatch_alerter_notifications",
            "maskwatch_alerter_notifications_dlq", "maskwatch_alerter_capture_to_alert",
            "maskwatch_alerter_decode_errors");

    private ContractMeters() {
    }

    /** The three services' registries, with every contract meter used once. */
    static List<PrometheusMeterRegistry> registries() {
        List<PrometheusMeterRegistry> out = new java.util.ArrayList<>();
        for (String service : List.of("ingest", "detector", "alerter")) {
            PrometheusMeterRegistry registry = Metrics.newRegistry(service);
            register(service, registry);
            out.add(registry);
        }
        return out;
    }

    /** The registries' scrapes concatenated, as a Prometheus server would see the three targets. */
    static String scrape(List<PrometheusMeterRegistry> registries) {
        StringBuilder sb = new StringBuilder();
        registries.forEach(r -> sb.append(r.scrape()).append('\n'));
        return sb.toString();
    }

    static void register(String service, MeterRegistry r) {
        switch (service) {
            case "ingest" -> {
                String cam = "entrance";
                Counter.builder("maskwatch.ingest.frames.grabbed").tag("camera", cam).register(r).increment();
                Counter.builder("maskwatch.ingest.frames.sent").tag("camera", cam).register(r).increment();
                Counter.builder("maskwatch.ingest.frames.dropped").tags("camera", cam, "reason", "queue_full")
                        .register(r).increment();
                Counter.builder("maskwatch.ingest.decode.errors").tag("camera", cam).register(r).increment();
                Counter.builder("maskwatch.ingest.reconnects").tag("camera", cam).register(r).increment();
                Counter.builder("maskwatch.ingest.bytes.sent").tag("camera", cam).register(r).increment(1000);
                Gauge.builder("maskwatch.ingest.camera.up", new AtomicInteger(1), AtomicInteger::get)
                        .tag("camera", cam).register(r);
                Timer.builder("maskwatch.ingest.grab.to.send").tag("camera", cam).publishPercentileHistogram()
                        .register(r).record(Duration.ofMillis(20));
            }
            case "detector" -> {
                Counter.builder("maskwatch.detector.frames.processed").register(r).increment();
                Counter.builder("maskwatch.detector.frames.skipped").tag("reason", "too_old").register(r).increment();
                Counter.builder("maskwatch.detector.frames.failed").tag("reason", "corrupt_jpeg").register(r).increment();
                Counter.builder("maskwatch.detector.faces").tag("label", "no_mask").register(r).increment();
                for (String stage : List.of("decode", "detect", "classify", "heatmap")) {
                    Timer.builder("maskwatch.detector.stage").tag("stage", stage).publishPercentileHistogram()
                            .register(r).record(Duration.ofMillis(5));
                }
                Timer.builder("maskwatch.detector.capture.to.detection").publishPercentileHistogram()
                        .register(r).record(Duration.ofMillis(150));
                DistributionSummary.builder("maskwatch.detector.batch.size").register(r).record(4);
            }
            case "alerter" -> {
                String cam = "entrance";
                Counter.builder("maskwatch.alerter.alerts").tag("camera", cam).register(r).increment();
                Counter.builder("maskwatch.alerter.persons").tags("camera", cam, "status", "unmasked")
                        .register(r).increment();
                Gauge.builder("maskwatch.alerter.compliance.ratio", () -> 0.9).tag("camera", cam).register(r);
                Gauge.builder("maskwatch.alerter.compliance.ratio", () -> 0.8).tag("camera", "_facility").register(r);
                Gauge.builder("maskwatch.alerter.persons.recent", () -> 3).tags("camera", cam, "status", "masked")
                        .register(r);
                Counter.builder("maskwatch.alerter.notifications").tags("sink", "webhook", "result", "delivered")
                        .register(r).increment();
                Counter.builder("maskwatch.alerter.notifications.dlq").register(r).increment();
                Timer.builder("maskwatch.alerter.capture.to.alert").register(r).record(Duration.ofSeconds(2));
                Counter.builder("maskwatch.alerter.decode.errors").register(r).increment();
            }
            default -> throw new IllegalArgumentException(service);
        }
    }
}
