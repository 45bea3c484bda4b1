package io.maskwatch.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.maskwatch.common.cli.Args;
import io.maskwatch.common.cli.Command;
import io.maskwatch.common.cli.Shutdown;
import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.config.ConfigException;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.config.MaskWatchConfig;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.common.observability.BearerToken;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.common.observability.ServiceHttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code ./maskwatch ingest --config FILE}: runs an ingest worker until Ctrl-C / SIGTERM. */
public final class IngestCommand implements Command {
    private static final Logger log = LoggerFactory.getLogger(IngestCommand.class);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    @Override
    public String summary() {
        return "camera workers: RTSP/MJPEG/file/webcam streams -> sampled JPEG frames in Kafka";
    }

    @Override
    public String usage() {
        return """
                usage: ./maskwatch ingest --config FILE

                Pulls the cameras of the YAML's `cameras` list that this worker owns (ingest.worker-index of
                ingest.worker-count; cameras are split by rendezvous hashing of their ids), samples each to
                its fps, JPEG-encodes the frames and produces them to the frames topic (key: camera id).

                HTTP on ingest.http-port (default 8081): /metrics, /health/live, /health/ready, /cameras;
                /metrics and /cameras need 'Authorization: Bearer TOKEN' with ingest.api-token (required).
                Environment overrides: MASKWATCH_INGEST_WORKER_INDEX, MASKWATCH_INGEST_WORKER_COUNT, ...
                See docs/INGEST.md.
                """;
    }

    @Override
    public int run(List<String> argv) throws Exception {
        Args args = Args.parse(argv, Set.of("config"), Set.of());
        MaskWatchConfig config = MaskWatchConfig.load(Path.of(args.required("config")), System.getenv());
        IngestSettings settings = config.section("ingest", IngestSettings.class, IngestSettings.defaults());
        KafkaSettings kafka = config.kafka();
        List<CameraConfig> cameras = config.cameras();
        if (cameras.stream().noneMatch(CameraConfig::enabled)) {
            throw new ConfigException("no enabled camera in " + config.origin()
                    + "; add cameras (- id: ..., url: ...) to the cameras list");
        }
        if (settings.apiToken() == null) {
            throw new ConfigException(BearerToken.required("ingest",
                    "/metrics and /cameras name every camera and its state, so they need a token"));
        }
        if (kafka.createTopics()) {
            try {
                TopicSetup.ensureTopics(kafka);
            } catch (IllegalStateException e) {
                log.warn("{}; starting anyway: frames are dropped (and counted) until Kafka is reachable",
                        e.getMessage());
            }
        }
        PrometheusMeterRegistry registry = Metrics.newRegistry("ingest");
        IngestService service = new IngestService(settings, cameras, kafka, registry);
        ServiceHttpServer http = new ServiceHttpServer("ingest", "0.0.0.0", settings.httpPort(), registry);
        http.addCheck("kafka", service.readiness());
        BearerToken token = BearerToken.of(settings.apiToken());
        http.protectMetrics(token);
        http.route("/cameras", token.guard(ex -> ServiceHttpServer.respond(ex, 200, "application/json",
                JSON.writeValueAsBytes(Map.of("worker_index", service.workerIndex(),
                        "worker_count", settings.workerCount(), "cameras", service.cameraStatuses())))));
        service.start();
        http.start();
        log.info("ingest running; HTTP {} (/metrics, /health/ready, /cameras)", http.baseUrl());
        Shutdown.awaitSignal(() -> {
            http.close();
            service.close();
        });
        return 0;
    }
}
