package io.maskwatch.app.demo;

import io.maskwatch.alerter.AlerterConfig;
import io.maskwatch.alerter.AlerterService;
import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.config.MaskWatchConfig;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.io.Directories;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.EventDecodingException;
import io.maskwatch.common.contract.PersonEvent;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.common.observability.BearerToken;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.common.observability.ServiceHttpServer;
import io.maskwatch.common.serde.EventSerdes;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.service.DetectorService;
import io.maskwatch.ingest.IngestService;
import io.maskwatch.ingest.IngestSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system in one JVM: an embedded KRaft broker, then alerter, detector and ingest, each
 * with its own metrics registry and HTTP endpoint, exactly as they run apart in production.
 * Used by {@code ./maskwatch demo}, the end-to-end tests and the pipeline benchmark.
 */
public final class DemoRun implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DemoRun.class);

    /**
     * @param cameras      what ingest reads
     * @param dataDir      broker log and Streams state; null = a temporary directory removed at close
     * @param alerterPort  preferred alerter port (page and API); taken by something else = any free port
     * @param configYaml   user YAML (detector/alerter/ingest sections) or null
     * @param env          environment overrides (MASKWATCH_...), as for the services
     */
    public record Options(List<CameraConfig> cameras, Path dataDir, int alerterPort, String configYaml,
                          Map<String, String> env) {
    }

    private final Options options;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private EmbeddedKafkaBroker broker;
    private KafkaSettings kafka;
    private IngestService ingest;
    private DetectorService detector;
    private AlerterService alerter;
    private DetectorConfig detectorConfig;
    private AlerterConfig alerterConfig;
    private final Map<String, ServiceHttpServer> http = new LinkedHashMap<>();
    private final Map<String, PrometheusMeterRegistry> registries = new LinkedHashMap<>();
    private AlertPrinter printer;
    /** One admin client for the lag checks (drain polls them several times a second). */
    private Admin admin;
    private boolean deleteDataDir;
    private boolean printAlerts = true;
    private Path dataDir;
    private String generatedToken;

    public DemoRun(Options options) {
        this.options = options;
    }

    /** Whether alerts are logged to the terminal as they happen (the demo's live view); on by default. */
    public DemoRun printAlerts(boolean on) {
        this.printAlerts = on;
        return this;
    }

    public synchronized DemoRun start(Consumer<String> progress) throws IOException {
        deleteDataDir = options.dataDir() == null;
        dataDir = deleteDataDir ? Files.createTempDirectory("maskwatch-demo-") : options.dataDir();
        Path brokerDir = Files.createDirectories(dataDir.resolve("kafka"));
        progress.accept("starting the embedded Kafka broker (KRaft) ...");
        broker = EmbeddedKafkaBroker.start(brokerDir, false);
        toClose.add(broker);

        // Demo defaults, given as environment overrides so the user's file and environment still win.
        Map<String, String> env = new HashMap<>();
        env.put("MASKWATCH_KAFKA_PARTITIONS", "4");
        env.put("MASKWATCH_ALERTER_STATE_DIR", dataDir.resolve("alerter-state").toString());
        // One process, no broker failover to ride out: a camera (a file, mostly) that stops sending ends
        // its tracks after 5 s, not the services' 60 s, so the demo's summary sees everyone leave.
        env.put("MASKWATCH_ALERTER_TRACKING_IDLE_END_MS", "5000");
        env.putAll(options.env());
        env.put("MASKWATCH_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        MaskWatchConfig config = MaskWatchConfig.parse(options.configYaml() == null ? "" : options.configYaml(),
                env, "demo");
        kafka = config.kafka();
        detectorConfig = config.section("detector", DetectorConfig.class, DetectorConfig.defaults());
        alerterConfig = config.section("alerter", AlerterConfig.class, AlerterConfig.defaults());
        if (alerterConfig.apiToken() == null) {
            // Secure by default here too: a token of the user's (MASKWATCH_ALERTER_API_TOKEN, --config) wins.
            byte[] b = new byte[24];
            new java.security.SecureRandom().nextBytes(b);
            generatedToken = java.util.HexFormat.of().formatHex(b);
            alerterConfig = alerterConfig.withApiToken(generatedToken);
        }
        if (alerterConfig.adminToken() == null) {
            // The person running the demo is its custodian: the sign-in link opens an admin session
            // (acknowledge, false alarm, erase). This token is never printed; configure one to use the API.
            byte[] b = new byte[24];
            new java.security.SecureRandom().nextBytes(b);
            alerterConfig = alerterConfig.withAdminToken(java.util.HexFormat.of().formatHex(b));
        }
        IngestSettings ingestSettings = config.section("ingest", IngestSettings.class, IngestSettings.defaults());
        TopicSetup.ensureTopics(kafka);
        admin = Admin.create(kafka.clientConfig());
        toClose.add(admin);

        progress.accept("starting the alerter (Kafka Streams) ...");
        alerter = new AlerterService(alerterConfig, kafka, options.cameras(), registry("alerter"));
        alerter.bind(server("alerter", options.alerterPort()));
        toClose.add(alerter);

        progress.accept("starting the detector (face detection + MobileNetV2 classifier) ...");
        detector = new DetectorService(detectorConfig, kafka, registry("detector"));
        // One process, one token: ingest's and detector's /metrics take the alerter's unless configured.
        server("detector", 0).protectMetrics(BearerToken.of(firstNonNull(detectorConfig.apiToken(), alerterConfig.apiToken())))
                .addCheck("detector", detector.health());
        toClose.add(detector);

        ingest = new IngestService(ingestSettings, options.cameras(), kafka, registry("ingest"));
        server("ingest", 0).protectMetrics(BearerToken.of(firstNonNull(ingestSettings.apiToken(), alerterConfig.apiToken())))
                .addCheck("kafka", ingest.readiness());
        toClose.add(ingest);

        http.values().forEach(ServiceHttpServer::start);
        alerter.start();
        detector.start();
        if (printAlerts) {
            printer = new AlertPrinter(kafka, alertUrlBase());
            toClose.add(printer);
            printer.start();
        }
        progress.accept("starting ingest for " + options.cameras().size() + " camera(s) ...");
        ingest.start();
        return this;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    private PrometheusMeterRegistry registry(String service) {
        return registries.computeIfAbsent(service, Metrics::newRegistry);
    }

    private ServiceHttpServer server(String service, int preferredPort) throws IOException {
        ServiceHttpServer s;
        try {
            s = new ServiceHttpServer(service, "127.0.0.1", preferredPort, registry(service));
        } catch (BindException e) {
            s = new ServiceHttpServer(service, "127.0.0.1", 0, registry(service));
        }
        http.put(service, s);
        toClose.add(s);
        return s;
    }

    public String alertUrlBase() {
        return http.get("alerter").baseUrl();
    }

    public Map<String, String> urls() {
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("alerts page", alertUrlBase() + "/  (sign in with the API token)");
        urls.put("camera grid", alertUrlBase() + "/cameras");
        urls.put("alerts API", alertUrlBase() + "/api/alerts");
        urls.put("compliance API", alertUrlBase() + "/api/compliance");
        http.forEach((name, s) -> urls.put(name + " metrics", s.baseUrl() + "/metrics  (Authorization: Bearer TOKEN)"));
        return urls;
    }

    /** The API token the demo generated, or null when the user configured one (theirs is never echoed). */
    public String generatedApiToken() {
        return generatedToken;
    }

    /** A one-time link (10 minutes, works once) that signs a browser in to the alerts page, as admin. */
    public String loginUrl() {
        return alertUrlBase() + "/login?code=" + alerter.oneTimeAdminLoginCode();
    }

    public KafkaSettings kafka() {
        return kafka;
    }

    public PrometheusMeterRegistry registryOf(String service) {
        return registries.get(service);
    }

    public ServiceHttpServer httpOf(String service) {
        return http.get(service);
    }

    /** Camera states and pending frames, for progress and diagnostics. */
    public String ingestState() {
        return ingest.cameraStatuses().stream().map(s -> s.id() + "=" + s.state()).toList()
                + " pending=" + ingest.pendingFrames();
    }

    /** True once every camera is a finished file (live cameras never finish). */
    public boolean sourcesFinished() {
        var statuses = ingest.cameraStatuses();
        return !statuses.isEmpty() && statuses.stream().allMatch(s -> s.state().equals("finished"))
                && ingest.pendingFrames() == 0;
    }

    /**
     * Waits until the detector has consumed every frame and the alerter every detection, then long
     * enough for the last tracks to end (their silence timeout), so the summary is complete.
     */
    public void drain(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            long lag = lag(detectorConfig.groupId(), kafka.topics().frames())
                    + lag(alerterConfig.applicationId(), kafka.topics().detections());
            if (lag == 0) {
                break;
            }
            Thread.sleep(250);
        }
        long tracksEnd = Math.max(alerterConfig.tracking().endAfterMs(), alerterConfig.tracking().idleEndMs())
                + 2 * alerterConfig.commitIntervalMs() + 2500;
        Thread.sleep(Math.min(tracksEnd, Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
    }

    /** Records not yet processed by a consumer group on a topic (end offsets minus committed). */
    public long lag(String group, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            var parts = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
                    .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            parts.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (TopicPartition tp : parts) {
                long end = ends.get(tp).offset();
                OffsetAndMetadata c = committed.get(tp);
                // Transaction markers occupy offsets: a lag of 1 after a committed transaction is no lag.
                long behind = end - (c == null ? 0 : c.offset());
                lag += behind > 1 || c == null && end > 0 ? behind : 0;
            }
            return lag;
        } catch (Exception e) {
            log.debug("lag of {} on {} unknown: {}", group, topic, e.toString());
            return Long.MAX_VALUE / 4;
        }
    }

    public DemoSummary summary() {
        long frames = TopicReader.endOffsetSum(kafka, kafka.topics().frames());
        long faces = 0;
        for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(kafka, kafka.topics().detections())) {
            try {
                DetectionEvent e = EventSerdes.detections().deserialize(r.topic(), r.value());
                faces += e.faces().size();
            } catch (EventDecodingException ignored) {
                // counted by the alerter's metrics
            }
        }
        Map<String, PersonStatus> finalStatus = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(kafka, kafka.topics().persons())) {
            PersonEvent e = EventSerdes.persons().deserialize(r.topic(), r.value());
            String key = e.cameraId() + "/" + e.trackId();
            if (e.status() != PersonStatus.UNCERTAIN) {
                finalStatus.put(key, e.status());
            }
        }
        long masked = finalStatus.values().stream().filter(s -> s == PersonStatus.MASKED).count();
        long unmasked = finalStatus.values().stream().filter(s -> s == PersonStatus.UNMASKED).count();
        long incorrect = finalStatus.values().stream().filter(s -> s == PersonStatus.INCORRECT).count();
        long alerts = alerts().size();
        long persons = masked + unmasked + incorrect;
        return new DemoSummary(frames, faces, persons, masked, unmasked, incorrect, alerts,
                persons == 0 ? null : (double) masked / persons);
    }

    /** Every alert so far, de-duplicated by id, joined with its images (from the alert-images topic). */
    public List<Alert> alerts() {
        // Alerts first: their images were committed in the same transaction, so they are there after.
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readAll(kafka, kafka.topics().alerts());
        Map<String, io.maskwatch.common.contract.AlertImages> images = new java.util.HashMap<>();
        for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(kafka, kafka.topics().alertImages())) {
            if (r.key() != null) {
                images.put(r.key(), r.value() == null ? null : EventSerdes.alertImages().deserialize(r.topic(), r.value()));
            }
        }
        Map<String, Alert> byId = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            Alert a = EventSerdes.alerts().deserialize(r.topic(), r.value());
            byId.putIfAbsent(a.alertId(), a.hasImages() ? a : a.withImages(images.get(a.alertId())));
        }
        return List.copyOf(byId.values());
    }

    public List<PersonEvent> personEvents() {
        return TopicReader.readAll(kafka, kafka.topics().persons()).stream()
                .map(r -> EventSerdes.persons().deserialize(r.topic(), r.value())).toList();
    }

    @Override
    public synchronized void close() {
        // Stop the producers of data first: ingest, then detector, alerter, then the broker.
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                log.warn("error while stopping {}: {}", toClose.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        toClose.clear();
        if (deleteDataDir && dataDir != null) {
            Directories.deleteRecursively(dataDir);
        }
    }
}
