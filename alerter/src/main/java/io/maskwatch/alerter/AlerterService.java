package io.maskwatch.alerter;

import io.maskwatch.alerter.api.AlertIndex;
import io.maskwatch.alerter.api.AlerterApi;
import io.maskwatch.alerter.api.ApiAuth;
import io.maskwatch.alerter.api.TopicViews;
import io.maskwatch.alerter.compliance.ComplianceView;
import io.maskwatch.alerter.live.LiveFeed;
import io.maskwatch.alerter.live.LiveFrames;
import io.maskwatch.alerter.notify.NotificationDispatcher;
import io.maskwatch.alerter.notify.Sink;
import io.maskwatch.alerter.notify.SnapshotLinks;
import io.maskwatch.alerter.review.ReviewApi;
import io.maskwatch.alerter.review.ReviewLog;
import io.maskwatch.alerter.review.ReviewState;
import io.maskwatch.alerter.review.ReviewViews;
import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.config.ConfigException;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.kafka.KafkaAccessCheck;
import io.maskwatch.common.kafka.KafkaAcls;
import io.maskwatch.common.kafka.TopicSetup;
import io.maskwatch.common.observability.HealthCheck;
import io.maskwatch.common.observability.ServiceHttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerter: the Kafka Streams topology ({@link AlerterTopology}), the notification delivery
 * ({@link NotificationDispatcher}), and the API views fed from the output topics ({@link TopicViews}).
 * Build it, optionally {@link #bind} it to the service's HTTP server (API, page, readiness), then
 * {@link #start()}; {@link #close()} stops everything cleanly and may be called more than once.
 */
public final class AlerterService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlerterService.class);
    /** Full frames of alerts the live view keeps (newest; ~50-200 KB each). */
    static final int LIVE_ALERT_FRAMES = 200;

    private final AlerterConfig cfg;
    private final KafkaSettings kafka;
    private final CameraNames names;
    private final AlerterMetrics metrics;
    private final Clock clock;
    private final AlertIndex index;
    private final ComplianceView view;
    private final SnapshotLinks links;
    private final ReviewState reviews;
    private final ReviewLog reviewLog;
    private ReviewViews reviewViews;
    private final LiveFrames live;
    private final MeterRegistry registry;
    private LiveFeed liveFeed;
    private io.maskwatch.alerter.notify.DigestScheduler digests;
    private boolean liveView = true;
    private volatile String boundBaseUrl;
    private volatile Consumer<Throwable> onFatal = e -> { };

    private final ApiAuth auth;
    private KafkaStreams streams;
    private TopicViews views;
    private NotificationDispatcher dispatcher;
    private StreamsDeadLetters deadLetters;
    private RocksDbMemory rocksDbMemory;
    private volatile boolean wasRunning;
    private volatile String fatal;
    private boolean started;
    private boolean closed;

    public AlerterService(AlerterConfig cfg, KafkaSettings kafka, List<CameraConfig> cameras, MeterRegistry registry) {
        this(cfg, kafka, cameras, registry, Clock.systemUTC());
    }

    public AlerterService(AlerterConfig cfg, KafkaSettings kafka, List<CameraConfig> cameras, MeterRegistry registry,
                          Clock clock) {
        List<String> problems = new ArrayList<>();
        cfg.problems().forEach(p -> problems.add("alerter." + p));
        kafka.problems().forEach(p -> problems.add("kafka." + p));
        if (cfg.apiToken() == null) {
            problems.add(AlerterConfig.TOKEN_REQUIRED);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        this.cfg = cfg;
        this.registry = registry;
        this.auth = new ApiAuth(cfg.apiToken(), cfg.adminToken(), clock);
        this.kafka = kafka;
        this.names = new CameraNames(cameras, cfg.cameraNames());
        this.metrics = new AlerterMetrics(registry);
        this.clock = clock;
        this.index = new AlertIndex(cfg.alerts().apiMaxAlerts());
        this.view = new ComplianceView(cfg.compliance(), clock, registry);
        this.links = new SnapshotLinks(this::publicBaseUrl, cfg.apiToken());
        this.live = new LiveFrames(cameras.stream().map(CameraConfig::id).filter(java.util.Objects::nonNull).toList(),
                LIVE_ALERT_FRAMES, clock);
        io.micrometer.core.instrument.Gauge.builder("maskwatch.alerter.live.streams", live, LiveFrames::activeStreams)
                .description("open MJPEG streams of the live view").register(registry);
        // An erased alert leaves the API's index (and with it the snapshot links) on every replica.
        this.reviews = new ReviewState(id -> {
            index.erase(id);
            live.forget(id); // the alert's full frame goes with it
        });
        this.reviewLog = new ReviewLog(kafka, reviews, clock, cfg.applicationId() + "-reviews");
        metrics.decodeErrors(kafka.topics().detections());
    }

    /** Mounts the API and page on {@code http} and adds the readiness checks. Call before {@link #start()}. */
    public AlerterService bind(ServiceHttpServer http) {
        boundBaseUrl = reachableBaseUrl(http);
        new AlerterApi(index, view, cfg.compliance(), names, links, auth, clock, live,
                new ReviewApi(index, reviews, reviewLog, auth)).mount(http);
        http.addCheck("alerter", readiness());
        // Only the delivery loops: a dead loop is cured by a restart, a slow webhook is not.
        http.addLivenessCheck("notification delivery", () -> dispatcher == null ? null : dispatcher.problem());
        return this;
    }

    /**
     * A code for a one-time link {@code BASE/login?code=CODE} that signs a browser in to the page
     * (read-only, valid 10 minutes, works once), for a process that holds the token anyway (the demo);
     * the token itself never goes into a URL.
     */
    public String oneTimeLoginCode() {
        return auth.issueLoginCode();
    }

    /** As {@link #oneTimeLoginCode()}, signing in as admin (acknowledge, false alarm, erase); needs alerter.admin-token. */
    public String oneTimeAdminLoginCode() {
        return auth.issueLoginCode(ApiAuth.Role.ADMIN);
    }

    /**
     * Whether this alerter reads the frames topic for the live view (on by default); off, the camera
     * grid lists configured cameras as down and alerts have no full frame. For benchmarks' baselines.
     */
    public AlerterService liveView(boolean on) {
        this.liveView = on;
        return this;
    }

    /** Called (once, on another thread) when the topology stops on an error it cannot recover from. */
    public AlerterService onFatal(Consumer<Throwable> handler) {
        this.onFatal = handler;
        return this;
    }

    /** The server's URL with a wildcard address replaced by this host's name (links must work elsewhere). */
    private String reachableBaseUrl(ServiceHttpServer http) {
        String host = cfg.httpHost();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
            return "http://" + host + ":" + http.port();
        }
        return http.baseUrl();
    }

    public String publicBaseUrl() {
        if (cfg.publicBaseUrl() != null) {
            return cfg.publicBaseUrl();
        }
        return boundBaseUrl != null ? boundBaseUrl : "http://localhost:" + cfg.httpPort();
    }

    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        Path stateDir = Path.of(cfg.stateDir());
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new ConfigException("alerter.state-dir " + stateDir.toAbsolutePath() + " cannot be created ("
                    + e.getMessage() + "); point it at a writable directory");
        }
        if (!Files.isWritable(stateDir)) {
            throw new ConfigException("alerter.state-dir " + stateDir.toAbsolutePath() + " is not writable");
        }
        KafkaAccessCheck.verify(kafka, KafkaAcls.ALERTER, KafkaAcls.of(KafkaAcls.table(kafka.topics(),
                KafkaAcls.DETECTOR_GROUP, cfg.applicationId()), KafkaAcls.ALERTER));
        if (kafka.createTopics()) {
            TopicSetup.ensureTopics(kafka);
        }
        // Sinks first: one whose secret is missing stops the start before anything runs.
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        List<Sink> sinks = Sink.all(cfg.notifications().namedSinks(), http, index::get, links);
        java.util.Properties props = StreamsSettings.of(cfg, kafka, metrics);
        deadLetters = (StreamsDeadLetters) props.get(StreamsDeadLetters.CONFIG);
        rocksDbMemory = (RocksDbMemory) props.get(RocksDbMemory.CONFIG);
        streams = new KafkaStreams(AlerterTopology.build(cfg, kafka.topics(), names, links, metrics, live::onTracked), props);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING && !wasRunning) {
                wasRunning = true;
                log.info("alerter topology running (application id {}, state in {})", cfg.applicationId(), stateDir);
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            fatal = e.toString();
            log.error("alerter topology failed, shutting it down: {}", e.toString(), e);
            Consumer<Throwable> h = onFatal;
            Thread t = new Thread(() -> h.accept(e), "alerter-fatal");
            t.setDaemon(true);
            t.start();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();

        dispatcher = new NotificationDispatcher(cfg.notifications(), kafka, cfg.applicationId() + "-notify", sinks,
                metrics, clock);
        // Delivery that died or hangs takes the service down like a failed topology: restart, not silence.
        dispatcher.onFatal(reason -> {
            fatal = reason;
            onFatal.accept(new IllegalStateException(reason));
        });
        dispatcher.start();
        digests = new io.maskwatch.alerter.notify.DigestScheduler(kafka, cfg.applicationId(), sinks, names::name, clock);
        digests.start();

        views = new TopicViews(kafka, index, view, cfg.alerts().apiHistoryMs(),
                cfg.compliance().rollingMs() + cfg.compliance().windowMs(), metrics, clock,
                cfg.applicationId() + "-views");
        views.start();
        reviewLog.start();
        reviewViews = new ReviewViews(kafka, reviews, metrics, cfg.applicationId() + "-review-views");
        reviewViews.start();
        if (liveView) {
            liveFeed = new LiveFeed(kafka, live, clock, cfg.applicationId() + "-live", registry);
            liveFeed.start();
        }
        log.info("alerter started: {} sink(s) {}, API and page at {}", sinks.size(),
                sinks.stream().map(Sink::name).toList(), publicBaseUrl());
        if (cfg.publicBaseUrl() == null && !sinks.isEmpty()) {
            log.info("snapshot links in notifications use {}; set alerter.public-base-url if users reach the "
                    + "alerter by another address", publicBaseUrl());
        }
    }

    /** Ready when the topology runs (or rebalances after having run), delivery is alive and the API views caught up. */
    public HealthCheck readiness() {
        return () -> {
            if (!started) {
                return "not started";
            }
            if (fatal != null) {
                return "topology failed: " + fatal;
            }
            KafkaStreams s = streams;
            KafkaStreams.State st = s == null ? null : s.state();
            if (st == null || !(st == KafkaStreams.State.RUNNING || (wasRunning && st == KafkaStreams.State.REBALANCING))) {
                return "topology " + (st == null ? "not created" : st.name().toLowerCase());
            }
            String d = dispatcher == null ? "not started" : dispatcher.problem();
            if (d != null) {
                return d;
            }
            String v = views == null ? "views not started" : views.problem();
            if (v != null) {
                return v;
            }
            // until the erasures are read, an erased alert could be served again
            return reviewViews == null ? "reviews not started" : reviewViews.problem();
        };
    }

    public KafkaStreams.State streamsState() {
        return streams == null ? null : streams.state();
    }

    public AlertIndex alerts() {
        return index;
    }

    public ComplianceView compliance() {
        return view;
    }

    public LiveFrames live() {
        return live;
    }

    public SnapshotLinks links() {
        return links;
    }

    public ReviewState reviews() {
        return reviews;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (digests != null) {
            digests.close();
        }
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (views != null) {
            views.close();
        }
        if (reviewViews != null) {
            reviewViews.close();
        }
        reviewLog.close();
        if (liveFeed != null) {
            liveFeed.close();
        }
        live.close(); // ends open streams
        boolean storesClosed = true;
        if (streams != null) {
            // Streams members do not leave the group on close: a replacement takes over after
            // session.timeout.ms (see streams-properties), or at once with static membership.
            if (!streams.close(Duration.ofSeconds(30))) {
                storesClosed = false;
                log.warn("alerter topology did not stop within 30 s");
            }
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
        if (rocksDbMemory != null && storesClosed) {
            rocksDbMemory.close(); // never under open stores: freeing their cache would crash the JVM
        }
        log.info("alerter stopped");
    }
}
