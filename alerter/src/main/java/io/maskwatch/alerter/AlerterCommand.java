package io.maskwatch.alerter;

import io.maskwatch.common.cli.Args;
import io.maskwatch.common.cli.Command;
import io.maskwatch.common.cli.Shutdown;
import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.config.ConfigException;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.config.MaskWatchConfig;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.common.observability.ServiceHttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code ./maskwatch alerter --config FILE}: the alerter service until Ctrl-C / SIGTERM. */
public final class AlerterCommand implements Command {
    private static final Logger log = LoggerFactory.getLogger(AlerterCommand.class);

    @Override
    public String summary() {
        return "Kafka Streams: tracks, alerts, notifications, compliance, HTTP API and page";
    }

    @Override
    public String usage() {
        return """
                usage: ./maskwatch alerter --config FILE

                Reads maskwatch.detections and follows people per camera; writes maskwatch.persons,
                maskwatch.alerts (one per unmasked person, again after the cooldown), maskwatch.compliance
                (1-minute windows per camera and _facility) and maskwatch.notifications, and delivers
                notifications to the configured sinks. Serves on alerter.http-port (default 8080):
                  /                 live page of alerts with face and heat map
                  /api/alerts       recent alerts (?camera=&from=&to=&limit=), /api/alerts/{id}[/face.jpg|/heatmap.jpg]
                  /api/compliance   per camera and facility: rolling 15 minutes and the latest window
                  /metrics /health/live /health/ready
                Configuration: the 'alerter' section of FILE (see config/maskwatch.example.yaml, docs/ALERTER.md).
                """;
    }

    @Override
    public int run(List<String> argv) throws Exception {
        Args args = Args.parse(argv, Set.of("config"), Set.of());
        MaskWatchConfig config = MaskWatchConfig.load(Path.of(args.required("config")), System.getenv());
        AlerterConfig cfg = config.section("alerter", AlerterConfig.class, AlerterConfig.defaults());
        KafkaSettings kafka = config.kafka();
        List<CameraConfig> cameras;
        try {
            // Names only: the alerter's pods need no camera passwords.
            cameras = config.camerasWithoutUrlSecrets();
        } catch (ConfigException e) {
            // The alerter only needs camera names; a camera the ingest cannot use is the ingest's problem.
            log.warn("camera names from the 'cameras' list unavailable ({}); using alerter.camera-names and ids",
                    e.getMessage());
            cameras = List.of();
        }
        PrometheusMeterRegistry registry = Metrics.newRegistry("alerter");
        ServiceHttpServer http = new ServiceHttpServer("alerter", cfg.httpHost(), cfg.httpPort(), registry);
        AlerterService service = new AlerterService(cfg, kafka, cameras, registry);
        try {
            service.bind(http).onFatal(e -> {
                log.error("the alerter cannot continue; exiting so it can be restarted");
                System.exit(1);
            });
            http.start();
            service.start();
        } catch (RuntimeException e) {
            service.close();
            http.close();
            throw e;
        }
        Shutdown.awaitSignal(() -> {
            service.close();
            http.close();
        });
        return 0;
    }
}
