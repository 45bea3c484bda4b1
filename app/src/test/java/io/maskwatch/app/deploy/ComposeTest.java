package io.maskwatch.app.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.config.MaskWatchConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docker-compose.yml: structure (what `docker compose config` would reject) and agreement with the services. */
class ComposeTest {
    private static final Path ROOT = DeployFiles.repoRoot();
    private static final List<String> SERVICES = List.of("ingest", "detector", "alerter");
    private static JsonNode compose;
    private static JsonNode services;

    @BeforeAll
    static void load() {
        compose = DeployFiles.compose();
        services = compose.path("services");
    }

    @Test
    void dependenciesExistAndTheirConditionsCanBeMet() {
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode deps = e.getValue().path("depends_on");
            List<String> names = new ArrayList<>();
            if (deps.isArray()) {
                deps.forEach(d -> names.add(d.asText()));
            } else {
                deps.fieldNames().forEachRemaining(names::add);
            }
            for (String dep : names) {
                assertTrue(services.has(dep), e.getKey() + " depends on unknown service " + dep);
                String condition = deps.path(dep).path("condition").asText("service_started");
                JsonNode target = services.path(dep);
                switch (condition) {
                    case "service_healthy" -> assertTrue(hasHealthcheck(target),
                            e.getKey() + " waits for " + dep + " to be healthy, which has no healthcheck");
                    case "service_completed_successfully" -> assertEquals("no", target.path("restart").asText("no"),
                            dep + " must be a one-shot container (restart: \"no\") for " + e.getKey() + " to wait for it");
                    case "service_started" -> { }
                    default -> throw new AssertionError(e.getKey() + ": unknown condition " + condition);
                }
            }
        }
    }

    @Test
    void longRunningServicesHaveHealthchecksAndRestartPolicies() {
        for (String name : List.of("kafka", "ingest", "detector", "alerter", "prometheus", "grafana")) {
            assertTrue(hasHealthcheck(services.path(name)), name + " healthcheck");
        }
        for (String name : SERVICES) {
            JsonNode test = services.path(name).path("healthcheck").path("test");
            assertEquals("maskwatch-healthcheck", test.get(test.size() - 1).asText(), name + " uses the image's health check");
            assertEquals("unless-stopped", services.path(name).path("restart").asText(), name + " restart");
        }
    }

    @Test
    void detectorCanScale() {
        JsonNode detector = services.path("detector");
        assertFalse(detector.has("container_name"), "a container_name stops `--scale detector=N`");
        assertFalse(detector.has("ports"), "a fixed host port stops `--scale detector=N`");
        assertFalse(detector.has("hostname"), "scaled detectors must not share a hostname");
    }

    @Test
    void servicesUseOneImageBuiltFromTheDockerfileWithTheMountedConfig() {
        Set<String> images = new TreeSet<>();
        for (String name : SERVICES) {
            JsonNode s = services.path(name);
            images.add(s.path("image").asText());
            assertEquals(".", s.path("build").path("context").asText(), name + " build context");
            List<String> command = list(s.path("command"));
            assertEquals(List.of(name, "--config", "/etc/maskwatch/maskwatch.yaml"), command, name + " command");
            assertEquals(ROOT.resolve("deploy/compose/maskwatch.yaml"), bindSource(s, "/etc/maskwatch/maskwatch.yaml"),
                    name + " mounts deploy/compose/maskwatch.yaml as its configuration");
        }
        assertEquals(1, images.size(), "one image for all services: " + images);
        assertEquals("maskwatch", Kustomize.imageName(images.iterator().next()));
        assertTrue(Files.isRegularFile(ROOT.resolve("Dockerfile")));
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            var e = it.next();
            String image = e.getValue().path("image").asText();
            String tag = Kustomize.imageTag(image);
            assertTrue(tag != null && !tag.equals("latest"), e.getKey() + ": image " + image + " must be pinned");
        }
    }

    @Test
    void everyMaskWatchVariableBindsAndPortsMatchTheServices() {
        Assumptions.assumeTrue(DeployFiles.bashAvailable(), "bash is needed to run the image's entry point");
        String yaml = DeployFiles.read(ROOT.resolve("deploy/compose/maskwatch.yaml"));
        for (String name : SERVICES) {
            Map<String, String> env = DeployFiles.serviceEnvironment(environment(services.path(name)), name);
            int servedPort = DeployFiles.bindConfig(yaml, env, "compose " + name, name);
            assertEquals(DeployFiles.SERVICE_PORTS.get(name), servedPort, "compose " + name + ": the service would serve on " + servedPort);

            MaskWatchConfig config = MaskWatchConfig.parse(yaml, env, "compose " + name);
            KafkaSettings kafka = config.kafka();
            String[] hostPort = kafka.bootstrapServers().split(":");
            assertTrue(advertisedListeners().contains(kafka.bootstrapServers()),
                    name + ": kafka.bootstrap-servers " + kafka.bootstrapServers() + " is not an advertised listener of the kafka service");
            assertTrue(services.has(hostPort[0]));

            int port = DeployFiles.SERVICE_PORTS.get(name);
            JsonNode ports = services.path(name).path("ports");
            for (JsonNode p : ports) {
                String spec = p.asText();
                assertTrue(spec.endsWith(":" + port), name + " publishes " + spec + " but serves on " + port);
            }
            if (!name.equals("detector")) {
                assertEquals(1, ports.size(), name + " publishes its HTTP port " + port);
            }
            if (name.equals("alerter")) {
                String stateDir = DeployFiles.alerterStateDir(yaml, env, "compose " + name);
                assertTrue(list(services.path(name).path("volumes")).stream().anyMatch(v -> v.endsWith(":" + stateDir)),
                        "the alerter's state-dir " + stateDir + " must be a volume");
            }
        }
    }

    @Test
    void camerasPointAtTheSampleCamera() {
        Assumptions.assumeTrue(DeployFiles.bashAvailable(), "bash is needed to run the image's entry point");
        String yaml = DeployFiles.read(ROOT.resolve("deploy/compose/maskwatch.yaml"));
        Map<String, String> env = DeployFiles.serviceEnvironment(environment(services.path("ingest")), "ingest");
        List<CameraConfig> cameras = MaskWatchConfig.parse(yaml, env, "compose").cameras();
        assertFalse(cameras.isEmpty());
        Set<String> paths = new TreeSet<>();
        DeployFiles.yaml(ROOT.resolve("deploy/camera/mediamtx.yml")).path("paths").fieldNames().forEachRemaining(paths::add);
        for (CameraConfig c : cameras) {
            URI uri = URI.create(c.url());
            assertTrue(services.has(uri.getHost()), c.id() + ": host " + uri.getHost() + " is no compose service");
            assertEquals(8554, uri.getPort());
            assertTrue(paths.contains(uri.getPath().substring(1)), c.id() + ": mediamtx serves no path " + uri.getPath());
            assertTrue(c.url().contains(env.get("CAMERA_PASSWORD")), c.id() + ": the password comes from ${CAMERA_PASSWORD}");
        }
        assertTrue(DeployFiles.read(ROOT.resolve("deploy/compose/maskwatch.yaml")).contains("${CAMERA_PASSWORD}"),
                "no password in the file itself");
        assertEquals(ROOT.resolve("deploy/camera/publish.sh"), bindSource(services.path("camera"), "/publish.sh"));
        assertEquals(ROOT.resolve("deploy/camera/mediamtx.yml"), bindSource(services.path("camera"), "/mediamtx.yml"));
    }

    @Test
    void topicInitCreatesEveryTopicSizedForTheDetectors() {
        JsonNode init = services.path("kafka-init");
        assertEquals("no", init.path("restart").asText());
        Path script = ROOT.resolve("deploy/kafka/create-topics.sh");
        assertEquals(script, bindSource(init, "/opt/maskwatch/create-topics.sh"));
        assertTrue(Files.isExecutable(script));
        String text = DeployFiles.read(script);
        Set<String> created = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^create (\\S+)").matcher(text);
        while (m.find()) {
            created.add(m.group(1));
        }
        KafkaSettings kafka = MaskWatchConfig.parse(DeployFiles.read(ROOT.resolve("deploy/compose/maskwatch.yaml")),
                Map.of("CAMERA_PASSWORD", "x"), "compose").kafka();
        Set<String> expected = new TreeSet<>(kafka.topics().all());
        expected.add(io.maskwatch.alerter.StreamsDeadLetters.DEFAULT_TOPIC); // the topology's DLQ, not a kafka.topics name
        assertEquals(expected, created, "topics created by create-topics.sh");
        Map<String, String> env = environment(init);
        assertEquals(String.valueOf(kafka.partitions()), env.get("PARTITIONS"), "kafka-init PARTITIONS = kafka.partitions");
        assertEquals(String.valueOf(kafka.replicationFactor()), env.get("REPLICATION_FACTOR"));
        assertTrue(Integer.parseInt(environment(services.path("kafka")).get("KAFKA_MESSAGE_MAX_BYTES"))
                >= KafkaSettings.MAX_MESSAGE_BYTES, "the broker accepts the frame sizes the producers use");
        assertTrue(text.contains("max_bytes=" + KafkaSettings.MAX_MESSAGE_BYTES));
    }

    @Test
    void kafkaRunsOneKraftNode() {
        JsonNode kafka = services.path("kafka");
        assertTrue(kafka.path("image").asText().matches("apache/kafka:4\\.1\\.\\d+"), kafka.path("image").asText());
        Map<String, String> env = environment(kafka);
        assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES"));
        assertEquals("1", env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"), "exactly-once on one broker");
        assertEquals("1", env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"));
        assertTrue(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS").startsWith(env.get("KAFKA_NODE_ID") + "@"));
        assertFalse(env.getOrDefault("CLUSTER_ID", "").isBlank());
        String dataDir = env.get("KAFKA_LOG_DIRS");
        assertTrue(list(kafka.path("volumes")).stream().anyMatch(v -> v.endsWith(":" + dataDir)), "Kafka data on a volume");
    }

    @Test
    void prometheusScrapesEveryServiceOnItsPortAndLoadsTheRules() {
        JsonNode prom = DeployFiles.yaml(ROOT.resolve("deploy/prometheus/prometheus.yml"));
        Map<String, JsonNode> jobs = new LinkedHashMap<>();
        prom.path("scrape_configs").forEach(j -> jobs.put(j.path("job_name").asText(), j));
        for (String name : SERVICES) {
            JsonNode job = jobs.get("maskwatch-" + name);
            assertNotNull(job, "scrape job maskwatch-" + name + " (the alert rules use these job names)");
            JsonNode sd = job.path("dns_sd_configs").get(0);
            assertNotNull(sd, name + ": DNS service discovery finds every replica");
            assertEquals(List.of(name), list(sd.path("names")), name + " DNS name = compose service");
            assertEquals(DeployFiles.SERVICE_PORTS.get(name).intValue(), sd.path("port").asInt(), name + " port");
        }
        JsonNode exporter = jobs.get("kafka-exporter");
        assertNotNull(exporter);
        assertTrue(services.has(exporter.path("static_configs").get(0).path("targets").get(0).asText().split(":")[0]));
        String exporterFlags = String.join(" ", list(services.path("kafka-exporter").path("command")));
        assertTrue(exporterFlags.contains("--kafka.server=kafka:9092"));
        assertTrue(Pattern.compile("--group.filter=(\\S+)").matcher(exporterFlags).results()
                .allMatch(r -> "maskwatch-detector".matches(r.group(1)) && "maskwatch-alerter".matches(r.group(1))));
        assertTrue(Pattern.compile("--topic.filter=(\\S+)").matcher(exporterFlags).results()
                .allMatch(r -> "maskwatch.frames".matches(r.group(1)) && "maskwatch.frames.dlq".matches(r.group(1))));

        Path mounted = bindSource(services.path("prometheus"), "/etc/prometheus");
        assertEquals(ROOT.resolve("deploy/prometheus"), mounted);
        for (JsonNode glob : prom.path("rule_files")) {
            String g = glob.asText();
            assertTrue(g.startsWith("/etc/prometheus/"), g);
            Path dir = mounted.resolve(g.substring("/etc/prometheus/".length())).getParent();
            assertFalse(DeployFiles.files(dir, ".yml").isEmpty(), "rule files matched by " + g);
        }
    }

    @Test
    void grafanaProvisionsTheDatasourceAndTheDashboards() {
        JsonNode grafana = services.path("grafana");
        Path provisioning = bindSource(grafana, "/etc/grafana/provisioning");
        assertEquals(ROOT.resolve("deploy/grafana/provisioning"), provisioning);
        JsonNode ds = DeployFiles.yaml(provisioning.resolve("datasources/prometheus.yml")).path("datasources").get(0);
        assertEquals("prometheus", ds.path("type").asText());
        URI url = URI.create(ds.path("url").asText());
        assertTrue(services.has(url.getHost()));
        assertTrue(list(services.path(url.getHost()).path("ports")).contains("9090:" + url.getPort()));
        String dashboardsPath = DeployFiles.yaml(provisioning.resolve("dashboards/maskwatch.yml"))
                .path("providers").get(0).path("options").path("path").asText();
        Path dashboards = bindSource(grafana, dashboardsPath);
        assertEquals(ROOT.resolve("deploy/grafana/dashboards"), dashboards, "the provider reads the mounted dashboards");
        String home = environment(grafana).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertTrue(Files.isRegularFile(dashboards.resolve(home.substring(dashboardsPath.length() + 1))), "home dashboard " + home);
    }

    @Test
    void namedVolumesAreDeclared() {
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            var e = it.next();
            for (String v : list(e.getValue().path("volumes"))) {
                String source = v.split(":")[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    assertTrue(Files.exists(ROOT.resolve(source).normalize()), e.getKey() + ": bind source " + source);
                } else {
                    assertTrue(compose.path("volumes").has(source), e.getKey() + ": volume " + source + " is not declared");
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static boolean hasHealthcheck(JsonNode service) {
        if (service.has("healthcheck")) {
            return !service.path("healthcheck").path("disable").asBoolean(false);
        }
        // the MaskWatch image defines a HEALTHCHECK
        return service.path("image").asText().startsWith("maskwatch") || service.path("image").asText().contains("/maskwatch");
    }

    private static Set<String> advertisedListeners() {
        Set<String> out = new TreeSet<>();
        for (String l : environment(services.path("kafka")).get("KAFKA_ADVERTISED_LISTENERS").split(",")) {
            out.add(l.substring(l.indexOf("://") + 3));
        }
        return out;
    }

    static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode e = service.path("environment");
        if (e.isArray()) {
            e.forEach(x -> env.put(x.asText().split("=", 2)[0], x.asText().contains("=") ? x.asText().split("=", 2)[1] : ""));
        } else {
            e.fields().forEachRemaining(x -> env.put(x.getKey(), x.getValue().isNull() ? "" : x.getValue().asText()));
        }
        return env;
    }

    private static List<String> list(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    /** The host path bind-mounted at {@code target}, resolved against the repository root. */
    private static Path bindSource(JsonNode service, String target) {
        for (String v : list(service.path("volumes"))) {
            String[] parts = v.split(":");
            if (parts.length >= 2 && parts[1].equals(target)) {
                return ROOT.resolve(parts[0]).normalize();
            }
        }
        throw new AssertionError("nothing is mounted at " + target + " in " + service);
    }

    @Test
    void kafkaIsPublishedOnLoopbackOnlyAndGrafanaHasNoDefaultOrAnonymousAccess() {
        for (String port : list(services.path("kafka").path("ports"))) {
            assertTrue(port.startsWith("127.0.0.1:"), "kafka's plaintext host listener must be loopback-only: " + port);
        }
        Map<String, String> env = environment(services.path("grafana"));
        assertFalse(env.containsKey("GF_SECURITY_ADMIN_PASSWORD"), "no admin password (or admin/admin fallback) in the file");
        assertEquals("false", env.get("GF_AUTH_ANONYMOUS_ENABLED"), "no anonymous access");
        String file = env.get("GF_SECURITY_ADMIN_PASSWORD__FILE");
        assertNotNull(file, "the admin password comes from a secret file");
        String secret = file.substring(file.lastIndexOf('/') + 1);
        assertEquals("/run/secrets/" + secret, file);
        assertTrue(list(services.path("grafana").path("secrets")).contains(secret), "grafana mounts secret " + secret);
        assertEquals("GRAFANA_ADMIN_PASSWORD", compose.path("secrets").path(secret).path("environment").asText(),
                "secret " + secret + " is GRAFANA_ADMIN_PASSWORD (docs/DEPLOYMENT.md)");
    }

    /**
     * Every service's /metrics needs a token, and Prometheus presents the one that service checks:
     * the scrape job's credentials file is a compose secret made from the same host variable the
     * service's config reads. Ingest and detector share a metrics-only token, not the alerter's.
     */
    @Test
    void prometheusPresentsTheTokenEachServiceChecks() {
        String yaml = DeployFiles.read(ROOT.resolve("deploy/compose/maskwatch.yaml"));
        Map<String, String> host = Map.of("ALERTER_API_TOKEN", "alerter-token-000000000000", "METRICS_TOKEN",
                "metrics-token-111111111111", "CAMERA_PASSWORD", "x");
        Path composeFile = ROOT.resolve("docker-compose.yml");
        JsonNode withHost = DeployFiles.yamlDocuments(DeployFiles.composeInterpolate(DeployFiles.read(composeFile), host),
                composeFile.toString()).get(0);
        JsonNode prom = DeployFiles.yaml(ROOT.resolve("deploy/prometheus/prometheus.yml"));
        Set<String> tokens = new TreeSet<>();
        for (String name : SERVICES) {
            // What compose gives the container when the host exports the variables.
            Map<String, String> env = environment(withHost.path("services").path(name));
            MaskWatchConfig config = MaskWatchConfig.parse(yaml, env, "compose " + name);
            String checked = switch (name) {
                case "ingest" -> config.section("ingest", io.maskwatch.ingest.IngestSettings.class,
                        io.maskwatch.ingest.IngestSettings.defaults()).apiToken();
                case "detector" -> config.section("detector", io.maskwatch.detector.DetectorConfig.class,
                        io.maskwatch.detector.DetectorConfig.defaults()).apiToken();
                default -> config.section("alerter", io.maskwatch.alerter.AlerterConfig.class,
                        io.maskwatch.alerter.AlerterConfig.defaults()).apiToken();
            };
            assertNotNull(checked, name + " gets a token in compose (it refuses to start without one)");
            tokens.add(checked);
            JsonNode job = null;
            for (JsonNode j : prom.path("scrape_configs")) {
                if (j.path("job_name").asText().equals("maskwatch-" + name)) {
                    job = j;
                }
            }
            assertNotNull(job, "scrape job of " + name);
            assertEquals("Bearer", job.path("authorization").path("type").asText(), name + " is scraped with a Bearer token");
            String file = job.path("authorization").path("credentials_file").asText();
            assertTrue(file.startsWith("/run/secrets/"), name + ": credentials from a compose secret, got " + file);
            String secret = file.substring("/run/secrets/".length());
            assertTrue(list(services.path("prometheus").path("secrets")).contains(secret), "prometheus mounts " + secret);
            String variable = compose.path("secrets").path(secret).path("environment").asText();
            assertEquals(checked, host.get(variable), name + ": Prometheus presents $" + variable + ", the token " + name + " checks");
        }
        assertEquals(2, tokens.size(), "ingest and detector share the metrics token, the alerter has its own");
    }

    /** Secrets reach only the containers that use them: the camera password ingest, the tokens their services. */
    @Test
    void secretsReachOnlyTheServicesThatUseThem() {
        Map<String, Set<String>> allowed = Map.of("CAMERA_PASSWORD", Set.of("ingest"),
                "METRICS_TOKEN", Set.of("ingest", "detector"), "ALERTER_API_TOKEN", Set.of("alerter"));
        for (var e : allowed.entrySet()) {
            Set<String> holders = new TreeSet<>();
            services.fields().forEachRemaining(s -> {
                if (environment(s.getValue()).containsKey(e.getKey())) {
                    holders.add(s.getKey());
                }
            });
            assertEquals(e.getValue(), holders, e.getKey() + " is in the environment of exactly the services that use it");
        }
    }
}
