package io.maskwatch.detector;

import io.maskwatch.common.cli.Args;
import io.maskwatch.common.cli.Command;
import io.maskwatch.common.cli.Shutdown;
import io.maskwatch.common.config.ConfigException;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.config.MaskWatchConfig;
import io.maskwatch.common.observability.BearerToken;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.common.observability.ServiceHttpServer;
import io.maskwatch.detector.service.DetectorService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code ./maskwatch detector --config FILE}: the detector service. */
public final class DetectorCommand implements Command {
    @Override
    public String summary() {
        return "consumer group: frames -> faces, mask/no_mask, heat maps -> maskwatch.detections";
    }

    @Override
    public String usage() {
        return """
                usage: maskwatch detector --config FILE

                Consumes maskwatch.frames as a member of consumer group detector.group-id and produces one
                DetectionEvent per frame on maskwatch.detections. Settings: the 'detector' and 'kafka'
                sections of FILE (see config/maskwatch.example.yaml and docs/DETECTOR.md); every key can be
                overridden by MASKWATCH_DETECTOR_<KEY> environment variables.
                Serves /metrics, /health/live and /health/ready on detector.http-port (default 8082); /metrics
                needs 'Authorization: Bearer TOKEN' with detector.api-token (required, MASKWATCH_DETECTOR_API_TOKEN).
                BlazeFace (the default backend) needs scripts/fetch-models.sh to have run once.
                """;
    }

    @Override
    public int run(List<String> argv) throws Exception {
        Args args = Args.parse(argv, Set.of("config"), Set.of());
        MaskWatchConfig cfg = MaskWatchConfig.load(Path.of(args.required("config")), System.getenv());
        KafkaSettings kafka = cfg.kafka();
        DetectorConfig detector = cfg.section("detector", DetectorConfig.class, DetectorConfig.defaults());
        if (detector.apiToken() == null) {
            throw new ConfigException(BearerToken.required("detector", "/metrics names every camera, so it needs a token"));
        }
        PrometheusMeterRegistry registry = Metrics.newRegistry("detector");
        DetectorService service = new DetectorService(detector, kafka, registry);
        ServiceHttpServer http = new ServiceHttpServer("detector", "0.0.0.0", detector.httpPort(), registry);
        http.protectMetrics(BearerToken.of(detector.apiToken()));
        http.addCheck("detector", service.health());
        http.addLivenessCheck("detector consumer loop", service.liveness());
        // A dead or stuck consumer loop ends the process so the orchestrator restarts it.
        service.onFatal(reason -> System.exit(1));
        http.start();
        try {
            service.start();
        } catch (RuntimeException e) {
            http.close();
            service.close();
            throw e;
        }
        Shutdown.awaitSignal(() -> {
            service.close();
            http.close();
        });
        return 0;
    }
}
