package io.maskwatch.app.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.config.MaskWatchConfig;
import io.maskwatch.common.kafka.KafkaAcls;
import java.io.IOException;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Kubernetes manifests, rendered per overlay, agree with each other and with the services. */
class KubernetesManifestsTest {
    private static final Path ROOT = DeployFiles.repoRoot();
    private static final Path K8S = ROOT.resolve("k8s");
    private static final List<String> SERVICES = List.of("ingest", "detector", "alerter");
    /** Keys of the Secrets Strimzi's User Operator (SCRAM-SHA-512 users) and Cluster Operator write. */
    private static final Set<String> STRIMZI_USER_KEYS = Set.of("password", "sasl.jaas.config");
    private static final Set<String> STRIMZI_CA_KEYS = Set.of("ca.crt", "ca.p12", "ca.password");

    @Test
    void everyKustomizationListsExistingFilesAndEveryManifestIsListed() throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.walk(K8S)) {
            dirs = s.filter(p -> p.getFileName().toString().equals("kustomization.yaml")).map(Path::getParent).toList();
        }
        assertTrue(dirs.size() >= 6, "base, 3 components, 2 overlays: " + dirs);
        for (Path dir : dirs) {
            JsonNode k = Kustomize.kustomization(dir);
            Set<String> listed = new TreeSet<>();
            for (String field : List.of("resources", "components")) {
                k.path(field).forEach(r -> listed.add(r.asText()));
            }
            k.path("patches").forEach(p -> listed.add(p.path("path").asText()));
            for (String gen : List.of("configMapGenerator", "secretGenerator")) {
                k.path(gen).forEach(g -> g.path("files").forEach(f -> listed.add(
                        f.asText().contains("=") ? f.asText().substring(f.asText().indexOf('=') + 1) : f.asText())));
            }
            for (String entry : listed) {
                assertTrue(Files.exists(dir.resolve(entry)), dir + "/kustomization.yaml lists missing " + entry);
            }
            // a manifest next to a kustomization that it does not list would silently never be applied
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    String name = f.getFileName().toString();
                    if ((name.endsWith(".yaml") || name.endsWith(".yml")) && !name.equals("kustomization.yaml")) {
                        assertTrue(listed.contains(name), dir + "/" + name + " is not listed in its kustomization.yaml");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/production"})
    void workloadsAgreeWithTheServicesConfigurationPortsAndProbes(String path) {
        List<ObjectNode> all = Kustomize.build(K8S.resolve(path));
        for (String svc : SERVICES) {
            ObjectNode w = workload(all, svc);
            String where = path + " " + w.path("kind").asText() + "/" + svc;
            assertEquals(svc.equals("detector") ? "Deployment" : "StatefulSet", w.path("kind").asText(), where);
            JsonNode c = mainContainer(w, svc);

            // image: the one the Dockerfile builds
            String image = c.path("image").asText();
            assertEquals("maskwatch", Kustomize.imageName(image).replaceAll("^.*/", ""), where + " image " + image);
            assertNotNull(Kustomize.imageTag(image), where + ": image needs a tag: " + image);

            // command and the mounted configuration file
            List<String> args = new ArrayList<>();
            c.path("args").forEach(a -> args.add(a.asText()));
            assertEquals(svc, args.get(0), where + " args");
            String configPath = args.get(args.indexOf("--config") + 1);
            String yaml = mountedFile(all, w, c, configPath, where);

            // port, Service, probes
            int port = DeployFiles.SERVICE_PORTS.get(svc);
            JsonNode http = null;
            for (JsonNode p : c.path("ports")) {
                if (p.path("name").asText().equals("http")) {
                    http = p;
                }
            }
            assertNotNull(http, where + ": container port named http");
            assertEquals(port, http.path("containerPort").asInt(), where + ": http port");
            assertProbe(c, "livenessProbe", "/health/live", port, where);
            assertProbe(c, "readinessProbe", "/health/ready", port, where);
            assertProbe(c, "startupProbe", "/health/live", port, where);

            // resources
            for (JsonNode container : Kustomize.containers(w)) {
                for (String kind : List.of("requests", "limits")) {
                    for (String r : List.of("cpu", "memory")) {
                        assertFalse(container.path("resources").path(kind).path(r).asText().isBlank(),
                                where + ": resources." + kind + "." + r);
                    }
                }
            }
            JsonNode sc = c.path("securityContext");
            assertTrue(Kustomize.podSpec(w).path("securityContext").path("runAsNonRoot").asBoolean(), where + " runAsNonRoot");
            assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true), where + " allowPrivilegeEscalation");
            assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(), where + " readOnlyRootFilesystem");
            assertTrue(mountPaths(c).containsAll(List.of("/tmp", "/var/cache/maskwatch")),
                    where + ": a read-only root needs writable /tmp and /var/cache/maskwatch");

            // the configuration binds with this pod's environment (after the image's entry point)
            Map<String, String> env = DeployFiles.serviceEnvironment(podEnv(all, w, c, where), svc);
            int servedPort = DeployFiles.bindConfig(yaml, env, where + " " + configPath, svc);
            assertEquals(DeployFiles.SERVICE_PORTS.get(svc), servedPort, where + ": the service would serve on " + servedPort);
            assertNotNull(DeployFiles.apiToken(yaml, env, where, svc), where + ": " + svc + ".api-token is set (without it "
                    + svc + " refuses to start)");
            KafkaSettings kafka = MaskWatchConfig.parse(yaml, env, where).kafka();
            assertClientFilesMounted(kafka, w, c, where);

            if (svc.equals("ingest")) {
                int replicas = w.path("spec").path("replicas").asInt(1);
                assertEquals(String.valueOf(replicas), env.get("MASKWATCH_INGEST_WORKER_COUNT"),
                        where + ": MASKWATCH_INGEST_WORKER_COUNT must equal the StatefulSet's replicas");
                assertEquals("0", env.get("MASKWATCH_INGEST_WORKER_INDEX"),
                        where + ": pod ingest-0 must become worker 0 (POD_NAME from metadata.name)");
            }
            if (svc.equals("alerter")) {
                String stateDir = DeployFiles.alerterStateDir(yaml, env, where);
                assertFalse(stateDir.isBlank(), where + ": alerter.state-dir");
                String claim = null;
                for (JsonNode m : c.path("volumeMounts")) {
                    if (m.path("mountPath").asText().equals(stateDir)) {
                        claim = m.path("name").asText();
                    }
                }
                assertNotNull(claim, where + ": alerter.state-dir " + stateDir + " must be a mounted volume");
                boolean fromTemplate = false;
                for (JsonNode t : w.path("spec").path("volumeClaimTemplates")) {
                    fromTemplate |= t.path("metadata").path("name").asText().equals(claim);
                }
                assertTrue(fromTemplate, where + ": the state directory must be a per-pod claim (volumeClaimTemplates)");
            }
        }
        assertServicesSelectPodsAndPorts(all, path);
        assertPdbsSelectOneWorkload(all, path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/production"})
    void overlaysPutEverythingInTheirNamespaceAndPinThirdPartyImages(String path) {
        List<ObjectNode> all = Kustomize.build(K8S.resolve(path));
        String ns = Kustomize.kustomization(K8S.resolve(path)).path("namespace").asText();
        assertNotNull(Kustomize.find(all, "Namespace", ns), path + ": Namespace " + ns);
        for (ObjectNode o : all) {
            if (!o.path("kind").asText().equals("Namespace")) {
                assertEquals(ns, o.path("metadata").path("namespace").asText(), path + ": " + o.path("kind") + "/"
                        + o.path("metadata").path("name"));
            }
            for (JsonNode c : Kustomize.containers(o)) {
                String image = c.path("image").asText();
                String tag = Kustomize.imageTag(image);
                assertTrue(tag != null && !tag.equals("latest"), path + ": image " + image + " must be pinned");
                for (String kind : List.of("requests", "limits")) {
                    assertTrue(c.path("resources").has(kind), path + ": " + o.path("metadata").path("name") + " resources." + kind);
                }
            }
        }
    }

    @Test
    void devUsesTheThirdPartyImagesOfTheComposeStack() {
        Set<String> composeImages = new TreeSet<>();
        DeployFiles.compose().path("services").forEach(s -> composeImages.add(s.path("image").asText()));
        for (ObjectNode o : Kustomize.build(K8S.resolve("overlays/dev"))) {
            for (JsonNode c : Kustomize.containers(o)) {
                String image = c.path("image").asText();
                if (!Kustomize.imageName(image).endsWith("maskwatch")) {
                    assertTrue(composeImages.contains(image), "dev image " + image + " differs from docker-compose.yml " + composeImages);
                }
            }
        }
    }

    @Test
    void productionRunsOnStrimziWithTopicsUsersAndTls() {
        List<ObjectNode> all = Kustomize.build(K8S.resolve("overlays/production"));
        ObjectNode kafkaCr = only(all, "Kafka");
        String cluster = kafkaCr.path("metadata").path("name").asText();
        assertEquals("enabled", kafkaCr.path("metadata").path("annotations").path("strimzi.io/kraft").asText());
        assertEquals("enabled", kafkaCr.path("metadata").path("annotations").path("strimzi.io/node-pools").asText());
        int brokers = 0;
        for (ObjectNode pool : ofKind(all, "KafkaNodePool")) {
            assertEquals(cluster, pool.path("metadata").path("labels").path("strimzi.io/cluster").asText());
            List<String> roles = new ArrayList<>();
            pool.path("spec").path("roles").forEach(r -> roles.add(r.asText()));
            if (roles.contains("broker")) {
                brokers += pool.path("spec").path("replicas").asInt();
            }
            assertTrue(roles.contains("controller") || roles.contains("broker"));
        }
        assertTrue(brokers >= 3, "production needs 3 brokers for replication factor 3");

        JsonNode tls = null;
        for (JsonNode l : kafkaCr.path("spec").path("kafka").path("listeners")) {
            if (l.path("tls").asBoolean()) {
                tls = l;
            }
        }
        assertNotNull(tls, "a TLS listener");
        String bootstrap = cluster + "-kafka-bootstrap:" + tls.path("port").asInt();

        ObjectNode detector = workload(all, "detector");
        JsonNode detectorContainer = mainContainer(detector, "detector");
        String yaml = mountedFile(all, detector, detectorContainer, "/etc/maskwatch/maskwatch.yaml", "production");
        Map<String, String> env = DeployFiles.serviceEnvironment(podEnv(all, detector, detectorContainer, "production"), "detector");
        KafkaSettings kafka = MaskWatchConfig.parse(yaml, env, "production").kafka();
        assertEquals(bootstrap, kafka.bootstrapServers());
        assertEquals("SASL_SSL", kafka.clientProperties().get("security.protocol"));
        assertEquals("SCRAM-SHA-512", kafka.clientProperties().get("sasl.mechanism"));
        assertEquals(tls.path("authentication").path("type").asText(), "scram-sha-512", "the listener takes SCRAM users");
        assertFalse(kafka.createTopics(), "the Topic Operator owns the topics: kafka.create-topics=false");

        Map<String, ObjectNode> topics = new LinkedHashMap<>();
        for (ObjectNode t : ofKind(all, "KafkaTopic")) {
            assertEquals(cluster, t.path("metadata").path("labels").path("strimzi.io/cluster").asText());
            topics.put(t.path("spec").path("topicName").asText(), t);
            int replicas = t.path("spec").path("replicas").asInt();
            assertTrue(replicas <= brokers, t.path("metadata").path("name") + ": replicas > brokers");
            assertTrue(t.path("spec").path("config").path("min.insync.replicas").asInt() < replicas,
                    t.path("metadata").path("name") + ": min.insync.replicas must be below replicas to survive a broker loss");
        }
        TreeSet<String> expected = new TreeSet<>(kafka.topics().all());
        expected.add(io.maskwatch.alerter.StreamsDeadLetters.DEFAULT_TOPIC);
        assertEquals(expected, new TreeSet<>(topics.keySet()), "KafkaTopics = the MaskWatch topics and the alerter DLQ");
        // the Topic Operator's topics expire as the services' own topic creation would make them (docs/PRIVACY.md)
        for (String t : kafka.topics().all()) {
            assertEquals(kafka.retentionMs(t), topics.get(t).path("spec").path("config").path("retention.ms").asLong(),
                    t + ": retention.ms = kafka.retention-hours");
        }
        assertEquals(KafkaSettings.RetentionHours.millis(kafka.retentionHours().alerterDlq()),
                topics.get(io.maskwatch.alerter.StreamsDeadLetters.DEFAULT_TOPIC).path("spec").path("config")
                        .path("retention.ms").asLong(), "alerter DLQ retention = kafka.retention-hours.alerter-dlq");
        JsonNode frames = topics.get(kafka.topics().frames()).path("spec");
        assertEquals(kafka.partitions(), frames.path("partitions").asInt(), "kafka.partitions = partitions of the frames topic");
        assertEquals(kafka.replicationFactor(), frames.path("replicas").asInt(), "kafka.replication-factor");

        // KEDA scales the detector group on the frames topic, never beyond its partitions
        ObjectNode so = only(all, "ScaledObject");
        assertEquals("detector", so.path("spec").path("scaleTargetRef").path("name").asText());
        assertNull(detector.path("spec").get("replicas"), "the HPA of KEDA owns the detector's replica count");
        JsonNode trigger = so.path("spec").path("triggers").get(0);
        assertEquals("kafka", trigger.path("type").asText());
        JsonNode meta = trigger.path("metadata");
        assertEquals(bootstrap, meta.path("bootstrapServers").asText());
        assertEquals(kafka.topics().frames(), meta.path("topic").asText());
        assertEquals("maskwatch-detector", meta.path("consumerGroup").asText());
        assertTrue(so.path("spec").path("maxReplicaCount").asInt() <= frames.path("partitions").asInt(),
                "maxReplicaCount must not exceed the partitions of " + kafka.topics().frames());
        ObjectNode auth = Kustomize.find(all, "TriggerAuthentication",
                trigger.path("authenticationRef").path("name").asText());
        assertNotNull(auth, "TriggerAuthentication of the trigger");
        for (JsonNode ref : auth.path("spec").path("secretTargetRef")) {
            assertSecretKeyExists(all, ref.path("name").asText(), ref.path("key").asText(), "TriggerAuthentication");
        }

        assertKafkaUsersAreTheAclTable(all, kafka);
    }

    /**
     * One SCRAM-SHA-512 KafkaUser per service whose ACLs are its rows of the least-privilege table
     * (KafkaAcls, docs/SECURITY.md#kafka), and each service signs in with its own user's Secret only.
     */
    private static void assertKafkaUsersAreTheAclTable(List<ObjectNode> all, KafkaSettings kafka) {
        List<KafkaAcls.Grant> table = KafkaAcls.defaults();
        TreeSet<String> users = new TreeSet<>();
        ofKind(all, "KafkaUser").forEach(u -> users.add(u.path("metadata").path("name").asText()));
        assertEquals(new TreeSet<>(SERVICES.stream().map(KafkaAcls::user).toList()), users, "one KafkaUser per service");
        for (String svc : SERVICES) {
            ObjectNode user = Kustomize.find(all, "KafkaUser", KafkaAcls.user(svc));
            assertEquals("scram-sha-512", user.path("spec").path("authentication").path("type").asText(), svc);
            TreeSet<String> actual = new TreeSet<>();
            for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
                JsonNode r = acl.path("resource");
                String host = acl.path("host").asText("*");
                String type = acl.path("type").asText("allow");
                for (JsonNode op : acl.path("operations")) {
                    actual.add(r.path("type").asText() + " " + r.path("name").asText() + " "
                            + r.path("patternType").asText("literal") + " " + op.asText() + " " + type + " " + host);
                }
            }
            TreeSet<String> expected = new TreeSet<>();
            for (KafkaAcls.Grant g : KafkaAcls.of(table, svc)) {
                for (var op : g.operations()) {
                    expected.add(g.strimziType() + " " + g.name() + " "
                            + (g.pattern() == org.apache.kafka.common.resource.PatternType.PREFIXED ? "prefix" : "literal")
                            + " " + KafkaAcls.Grant.camel(op) + " allow *");
                }
            }
            assertEquals(String.join("\n", expected), String.join("\n", actual),
                    "KafkaUser " + KafkaAcls.user(svc) + " ACLs = its rows of KafkaAcls (docs/SECURITY.md#kafka)");

            // the service's pods get this user's Secret and no other KafkaUser's
            ObjectNode w = workload(all, svc);
            JsonNode c = mainContainer(w, svc);
            Set<String> secrets = new TreeSet<>();
            for (JsonNode e : c.path("env")) {
                JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                if (!ref.isMissingNode()) {
                    secrets.add(ref.path("name").asText());
                }
            }
            for (JsonNode v : Kustomize.podSpec(w).path("volumes")) {
                if (v.has("secret")) {
                    secrets.add(v.path("secret").path("secretName").asText());
                }
            }
            for (String other : users) {
                assertEquals(other.equals(KafkaAcls.user(svc)), secrets.contains(other),
                        svc + " pods must mount the Secret of KafkaUser " + KafkaAcls.user(svc) + " and no other: " + secrets);
            }
            Map<String, String> env = DeployFiles.serviceEnvironment(podEnv(all, w, c, "production " + svc), svc);
            String yaml = mountedFile(all, w, c, "/etc/maskwatch/maskwatch.yaml", "production " + svc);
            KafkaSettings mine = MaskWatchConfig.parse(yaml, env, "production " + svc).kafka();
            assertEquals("generated-sasl.jaas.config", mine.clientProperties().get("sasl.jaas.config"),
                    svc + ": sasl.jaas.config comes from its KafkaUser's Secret (key sasl.jaas.config)");
        }
    }

    /**
     * Each service is scraped through exactly one Service and one ServiceMonitor, with the job name
     * the rules use, and the monitor presents the Secret the service's api-token comes from.
     */
    @Test
    void productionMonitorsEveryServiceOnceWithTheJobNamesOfTheRulesAndItsToken() {
        List<ObjectNode> all = Kustomize.build(K8S.resolve("overlays/production"));
        List<ObjectNode> monitors = ofKind(all, "ServiceMonitor");
        assertFalse(monitors.isEmpty(), "ServiceMonitors");
        Map<String, Integer> scraped = new LinkedHashMap<>();
        for (ObjectNode sm : monitors) {
            String monitor = sm.path("metadata").path("name").asText();
            JsonNode selector = sm.path("spec").path("selector").path("matchLabels");
            String jobLabel = sm.path("spec").path("jobLabel").asText();
            JsonNode endpoint = sm.path("spec").path("endpoints").get(0);
            String port = endpoint.path("port").asText();
            JsonNode credentials = endpoint.path("authorization").path("credentials");
            assertEquals("Bearer", endpoint.path("authorization").path("type").asText("Bearer"), monitor);
            assertFalse(credentials.path("name").asText().isBlank(), monitor + " presents a token (every /metrics needs one)");
            for (ObjectNode s : ofKind(all, "Service")) {
                if (!matches(selector, s.path("metadata").path("labels"))) {
                    continue;
                }
                boolean hasPort = false;
                for (JsonNode p : s.path("spec").path("ports")) {
                    hasPort |= p.path("name").asText().equals(port);
                }
                assertTrue(hasPort, "Service " + s.path("metadata").path("name") + " has no port " + port);
                for (String svc : SERVICES) {
                    ObjectNode w = workload(all, svc);
                    if (!matches(s.path("spec").path("selector"), w.path("spec").path("template").path("metadata").path("labels"))) {
                        continue;
                    }
                    scraped.merge(svc, 1, Integer::sum);
                    assertEquals("maskwatch-" + svc, s.path("metadata").path("labels").path(jobLabel).asText(),
                            "job label of " + svc + " (the alert rules use job=maskwatch-<service>)");
                    // The token the service checks: its api-token's ${VAR}, from a secretKeyRef of its container.
                    String yaml = mountedFile(all, w, mainContainer(w, svc), "/etc/maskwatch/maskwatch.yaml", svc);
                    java.util.regex.Matcher ref = java.util.regex.Pattern.compile(
                            "(?m)^" + svc + ":\\n(?:  .*\\n|\\s*\\n|#.*\\n)*?  api-token: \\$\\{(\\w+)}").matcher(yaml);
                    assertTrue(ref.find(), svc + ".api-token comes from an environment variable in maskwatch.yaml");
                    JsonNode from = null;
                    for (JsonNode e : mainContainer(w, svc).path("env")) {
                        if (e.path("name").asText().equals(ref.group(1))) {
                            from = e.path("valueFrom").path("secretKeyRef");
                        }
                    }
                    assertNotNull(from, svc + ": env " + ref.group(1) + " comes from a Secret");
                    assertEquals(from.path("name").asText() + "/" + from.path("key").asText(),
                            credentials.path("name").asText() + "/" + credentials.path("key").asText(),
                            "ServiceMonitor " + monitor + " presents the Secret " + svc + " checks");
                }
            }
        }
        assertEquals(Map.of("ingest", 1, "detector", 1, "alerter", 1), scraped, "each service scraped through exactly one Service");
        String rules = DeployFiles.read(ROOT.resolve("deploy/prometheus/rules/maskwatch.rules.yml"));
        assertTrue(rules.contains("maskwatch-(ingest|detector|alerter)"));
        assertNotNull(only(all, "PrometheusRule"));
        assertNotNull(only(all, "PodMonitor"), "Kafka exporter (consumer lag) is scraped");
        assertTrue(only(all, "Kafka").path("spec").has("kafkaExporter"), "Strimzi runs the Kafka exporter");
    }

    @Test
    void secretsOfProductionAreDocumented() {
        Assumptions.assumeTrue(Files.exists(ROOT.resolve("docs/DEPLOYMENT.md")));
        List<ObjectNode> all = Kustomize.build(K8S.resolve("overlays/production"));
        for (String svc : SERVICES) {
            ObjectNode w = workload(all, svc);
            podEnv(all, w, mainContainer(w, svc), "production " + svc); // asserts each secret is known or documented
        }
    }

    /** Volume types the `restricted` Pod Security Standard allows. */
    private static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir",
            "ephemeral", "persistentVolumeClaim", "projected", "secret");

    /**
     * Production enforces the `restricted` Pod Security Standard, and every pod it would run meets
     * it (a pod that does not is rejected at admission, so this fails here rather than in the
     * cluster): MaskWatch's workloads, and the pods Strimzi makes from its resources' templates.
     * MaskWatch's containers also have a read-only root with writable emptyDirs where they write.
     */
    @Test
    void productionEnforcesRestrictedPodSecurityAndEveryPodMeetsIt() {
        assertRestrictedEverywhere(Kustomize.build(K8S.resolve("overlays/production")));
    }

    /** Also run on the real {@code kubectl kustomize} rendering by {@link KubernetesSchemaIT}. */
    static void assertRestrictedEverywhere(List<ObjectNode> all) {
        JsonNode labels = only(all, "Namespace").path("metadata").path("labels");
        assertEquals("restricted", labels.path("pod-security.kubernetes.io/enforce").asText(), "namespace enforces restricted");
        int pods = 0;
        for (ObjectNode w : all) {
            if (!Set.of("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod").contains(w.path("kind").asText())) {
                continue;
            }
            pods++;
            String where = "production " + w.path("kind").asText() + "/" + w.path("metadata").path("name").asText();
            JsonNode pod = Kustomize.podSpec(w);
            assertRestricted(pod.path("securityContext"), Kustomize.containers(w), where);
            for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
                assertFalse(pod.path(host).asBoolean(false), where + ": " + host);
            }
            for (JsonNode v : pod.path("volumes")) {
                Set<String> types = new TreeSet<>();
                v.fieldNames().forEachRemaining(types::add);
                types.remove("name");
                assertTrue(RESTRICTED_VOLUMES.containsAll(types), where + ": volume " + v.path("name").asText()
                        + " of type " + types + " is not allowed by restricted");
            }
            assertFalse(pod.path("automountServiceAccountToken").asBoolean(true), where + ": no service-account token");
            for (JsonNode c : Kustomize.containers(w)) {
                String cw = where + " container " + c.path("name").asText();
                assertTrue(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean(), cw + ": read-only root");
                Set<String> writable = new TreeSet<>();
                for (JsonNode m : c.path("volumeMounts")) {
                    if (!m.path("readOnly").asBoolean(false)) {
                        writable.add(m.path("mountPath").asText());
                    }
                }
                assertTrue(writable.contains("/tmp"), cw + ": a writable /tmp (emptyDir) on the read-only root");
            }
        }
        assertEquals(3, pods, "the three MaskWatch workloads (Strimzi's pods come from its resources, below)");

        // Strimzi's pods: their templates, as the operator applies them.
        JsonNode pool = Kustomize.find(all, "KafkaNodePool", "combined").path("spec").path("template");
        assertRestricted(pool.path("pod").path("securityContext"), List.of(named("kafka", pool.path("kafkaContainer"))),
                "KafkaNodePool/combined");
        JsonNode kafka = only(all, "Kafka").path("spec");
        JsonNode eo = kafka.path("entityOperator").path("template");
        assertRestricted(eo.path("pod").path("securityContext"), List.of(named("topic-operator", eo.path("topicOperatorContainer")),
                named("user-operator", eo.path("userOperatorContainer"))), "Kafka entity operator");
        JsonNode exporter = kafka.path("kafkaExporter").path("template");
        assertRestricted(exporter.path("pod").path("securityContext"), List.of(named("kafka-exporter", exporter.path("container"))),
                "Kafka exporter");
    }

    private static JsonNode named(String name, JsonNode container) {
        ObjectNode c = container.isObject() ? ((ObjectNode) container).deepCopy()
                : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        c.put("name", name);
        return c;
    }

    /** The `restricted` profile's rules for one pod: its securityContext and its containers'. */
    private static void assertRestricted(JsonNode podSc, List<JsonNode> containers, String where) {
        for (JsonNode c : containers) {
            String cw = where + " container " + c.path("name").asText();
            JsonNode sc = c.path("securityContext");
            assertTrue(sc.path("runAsNonRoot").asBoolean(podSc.path("runAsNonRoot").asBoolean(false)), cw + ": runAsNonRoot");
            assertFalse(sc.path("runAsUser").asInt(podSc.path("runAsUser").asInt(1)) == 0, cw + ": runAsUser 0");
            String seccomp = sc.path("seccompProfile").path("type").asText(podSc.path("seccompProfile").path("type").asText());
            assertTrue(Set.of("RuntimeDefault", "Localhost").contains(seccomp), cw + ": seccompProfile RuntimeDefault, got '" + seccomp + "'");
            assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true), cw + ": allowPrivilegeEscalation false");
            assertFalse(sc.path("privileged").asBoolean(false), cw + ": privileged");
            List<String> drop = new ArrayList<>();
            sc.path("capabilities").path("drop").forEach(x -> drop.add(x.asText()));
            assertTrue(drop.contains("ALL"), cw + ": capabilities drop ALL, got " + drop);
            sc.path("capabilities").path("add").forEach(x -> assertEquals("NET_BIND_SERVICE", x.asText(), cw + ": capability added"));
        }
    }

    /**
     * Each Secret reaches only the pods that use it: camera passwords the ingest (which opens the
     * cameras), the API token the alerter (which checks it), the metrics token ingest and detector,
     * each KafkaUser's certificate its own service, the SMTP password the alerter. A Secret not in
     * this table fails the test until someone decides where it belongs.
     */
    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/production"})
    void secretsAreMountedOnlyInThePodsThatUseThem(String overlay) {
        assertSecretsOnlyWhereUsed(Kustomize.build(K8S.resolve(overlay)), overlay);
    }

    static void assertSecretsOnlyWhereUsed(List<ObjectNode> all, String overlay) {
        Map<String, Set<String>> allowed = Map.of(
                "maskwatch-camera-credentials", Set.of("ingest"),
                "maskwatch-api-token", Set.of("alerter"),
                "maskwatch-metrics-token", Set.of("ingest", "detector"),
                "maskwatch-smtp", Set.of("alerter"),
                "maskwatch-ingest", Set.of("ingest"),
                "maskwatch-detector", Set.of("detector"),
                "maskwatch-alerter", Set.of("alerter"),
                "maskwatch-cluster-ca-cert", Set.of("ingest", "detector", "alerter"));
        Map<String, Set<String>> used = new LinkedHashMap<>();
        for (String svc : SERVICES) {
            ObjectNode w = workload(all, svc);
            JsonNode pod = Kustomize.podSpec(w);
            List<String> secrets = new ArrayList<>();
            for (JsonNode c : Kustomize.containers(w)) {
                c.path("env").forEach(e -> secrets.add(e.path("valueFrom").path("secretKeyRef").path("name").asText(null)));
                c.path("envFrom").forEach(e -> secrets.add(e.path("secretRef").path("name").asText(null)));
            }
            for (JsonNode v : pod.path("volumes")) {
                secrets.add(v.path("secret").path("secretName").asText(null));
                v.path("projected").path("sources").forEach(src -> secrets.add(src.path("secret").path("name").asText(null)));
            }
            secrets.stream().filter(java.util.Objects::nonNull).forEach(s -> used.computeIfAbsent(s, k -> new TreeSet<>()).add(svc));
        }
        for (var e : used.entrySet()) {
            assertTrue(allowed.containsKey(e.getKey()), overlay + ": Secret " + e.getKey() + " is used by " + e.getValue()
                    + " but has no rule here: decide which pods need it");
            assertTrue(allowed.get(e.getKey()).containsAll(e.getValue()), overlay + ": Secret " + e.getKey() + " reaches "
                    + e.getValue() + ", only " + allowed.get(e.getKey()) + " use it");
        }
        assertEquals(Set.of("ingest"), used.get("maskwatch-camera-credentials"), overlay + ": ingest has the camera passwords");
        assertEquals(Set.of("alerter"), used.get("maskwatch-api-token"), overlay + ": the alerter checks the API token");
        assertEquals(Set.of("ingest", "detector"), used.get("maskwatch-metrics-token"), overlay);
        assertEquals(Set.of("alerter"), used.get("maskwatch-smtp"), overlay + ": the SMTP password, for an e-mail sink");
    }

    // ---------------------------------------------------------------------------------------------

    private static ObjectNode workload(List<ObjectNode> all, String svc) {
        List<ObjectNode> found = all.stream()
                .filter(o -> Set.of("Deployment", "StatefulSet").contains(o.path("kind").asText()))
                .filter(o -> o.path("metadata").path("name").asText().equals(svc))
                .toList();
        assertEquals(1, found.size(), "one workload named " + svc);
        return found.get(0);
    }

    private static JsonNode mainContainer(JsonNode w, String svc) {
        for (JsonNode c : Kustomize.podSpec(w).path("containers")) {
            if (c.path("name").asText().equals(svc)) {
                return c;
            }
        }
        throw new AssertionError("workload " + svc + " has no container named " + svc);
    }

    private static ObjectNode only(List<ObjectNode> all, String kind) {
        List<ObjectNode> found = ofKind(all, kind);
        assertEquals(1, found.size(), "one " + kind);
        return found.get(0);
    }

    private static List<ObjectNode> ofKind(List<ObjectNode> all, String kind) {
        return all.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    private static Set<String> mountPaths(JsonNode c) {
        Set<String> out = new TreeSet<>();
        c.path("volumeMounts").forEach(m -> out.add(m.path("mountPath").asText()));
        return out;
    }

    private static void assertProbe(JsonNode c, String probe, String path, int port, String where) {
        JsonNode get = c.path(probe).path("httpGet");
        assertEquals(path, get.path("path").asText(), where + " " + probe + " path");
        JsonNode p = get.path("port");
        assertTrue(p.asText().equals("http") || p.asInt() == port, where + " " + probe + " port " + p);
    }

    /** Content of the file at {@code path} as mounted from a ConfigMap of the render. */
    private static String mountedFile(List<ObjectNode> all, JsonNode w, JsonNode c, String path, String where) {
        for (JsonNode m : c.path("volumeMounts")) {
            String mp = m.path("mountPath").asText();
            if (!path.startsWith(mp + "/")) {
                continue;
            }
            String key = path.substring(mp.length() + 1);
            for (JsonNode v : Kustomize.podSpec(w).path("volumes")) {
                if (v.path("name").asText().equals(m.path("name").asText()) && v.has("configMap")) {
                    String cmName = v.path("configMap").path("name").asText();
                    ObjectNode cm = Kustomize.find(all, "ConfigMap", cmName);
                    assertNotNull(cm, where + ": ConfigMap " + cmName);
                    JsonNode data = cm.path("data").path(key);
                    assertTrue(data.isTextual(), where + ": ConfigMap " + cmName + " has no key " + key + " for " + path);
                    return data.asText();
                }
            }
        }
        throw new AssertionError(where + ": " + path + " is not mounted from a ConfigMap");
    }

    /** The container's environment as Kubernetes resolves it; each Secret key must exist or be documented. */
    private static Map<String, String> podEnv(List<ObjectNode> all, JsonNode w, JsonNode c, String where) {
        Map<String, String> env = new LinkedHashMap<>();
        String podName = w.path("metadata").path("name").asText()
                + (w.path("kind").asText().equals("StatefulSet") ? "-0" : "-5d8f7c9b6d-x2x7q");
        for (JsonNode e : c.path("env")) {
            String name = e.path("name").asText();
            if (e.has("value")) {
                env.put(name, e.path("value").asText());
            } else if (e.path("valueFrom").has("fieldRef")) {
                String field = e.path("valueFrom").path("fieldRef").path("fieldPath").asText();
                assertEquals("metadata.name", field, where + ": env " + name);
                env.put(name, podName);
            } else if (e.path("valueFrom").has("secretKeyRef")) {
                JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                env.put(name, assertSecretKeyExists(all, ref.path("name").asText(), ref.path("key").asText(),
                        where + " env " + name));
            } else {
                fail(where + ": env " + name + " has an unsupported source " + e);
            }
        }
        for (JsonNode v : Kustomize.podSpec(w).path("volumes")) {
            if (v.has("secret")) {
                String secret = v.path("secret").path("secretName").asText();
                for (JsonNode item : v.path("secret").path("items")) {
                    assertSecretKeyExists(all, secret, item.path("key").asText(), where + " volume " + v.path("name").asText());
                }
            }
        }
        return env;
    }

    /** @return the Secret value, or a stand-in for Secrets that are made outside these manifests */
    private static String assertSecretKeyExists(List<ObjectNode> all, String secret, String key, String where) {
        ObjectNode s = Kustomize.find(all, "Secret", secret);
        if (s != null) {
            assertTrue(s.path("data").has(key), where + ": Secret " + secret + " has no key " + key);
            return s.path("data").path(key).asText();
        }
        if (Kustomize.find(all, "KafkaUser", secret) != null) {
            assertTrue(STRIMZI_USER_KEYS.contains(key), where + ": Strimzi's user Secret " + secret + " has no key " + key);
            return "generated-" + key;
        }
        for (ObjectNode k : ofKind(all, "Kafka")) {
            if (secret.equals(k.path("metadata").path("name").asText() + "-cluster-ca-cert")) {
                assertTrue(STRIMZI_CA_KEYS.contains(key), where + ": Strimzi's CA Secret " + secret + " has no key " + key);
                return "generated-" + key;
            }
        }
        Path docs = ROOT.resolve("docs/DEPLOYMENT.md");
        String text = Files.exists(docs) ? DeployFiles.read(docs) : "";
        assertTrue(text.contains(secret) && text.contains(key), where + ": Secret " + secret + " (key " + key
                + ") is neither in the manifests nor explained in docs/DEPLOYMENT.md");
        return "documented-" + key;
    }

    /** Files that Kafka client properties point at must come from a mounted Secret or ConfigMap. */
    private static void assertClientFilesMounted(KafkaSettings kafka, JsonNode w, JsonNode c, String where) {
        for (var e : kafka.clientProperties().entrySet()) {
            if (!e.getKey().endsWith(".location")) {
                continue;
            }
            String file = e.getValue();
            boolean found = false;
            for (JsonNode m : c.path("volumeMounts")) {
                String mp = m.path("mountPath").asText();
                if (!file.startsWith(mp + "/")) {
                    continue;
                }
                String rel = file.substring(mp.length() + 1);
                for (JsonNode v : Kustomize.podSpec(w).path("volumes")) {
                    if (!v.path("name").asText().equals(m.path("name").asText())) {
                        continue;
                    }
                    JsonNode src = v.has("secret") ? v.get("secret") : v.path("configMap");
                    if (!src.has("items")) {
                        found = true;
                    }
                    for (JsonNode item : src.path("items")) {
                        found |= item.path("path").asText().equals(rel);
                    }
                }
            }
            assertTrue(found, where + ": kafka.client-properties." + e.getKey() + "=" + file + " is not a mounted file");
        }
    }

    private static void assertServicesSelectPodsAndPorts(List<ObjectNode> all, String where) {
        for (ObjectNode s : ofKind(all, "Service")) {
            JsonNode selector = s.path("spec").path("selector");
            List<ObjectNode> selected = all.stream()
                    .filter(o -> Set.of("Deployment", "StatefulSet").contains(o.path("kind").asText()))
                    .filter(o -> matches(selector, o.path("spec").path("template").path("metadata").path("labels")))
                    .toList();
            String name = s.path("metadata").path("name").asText();
            assertEquals(1, selected.size(), where + ": Service " + name + " must select one workload's pods");
            for (JsonNode p : s.path("spec").path("ports")) {
                JsonNode target = p.path("targetPort");
                boolean ok = false;
                for (JsonNode container : Kustomize.containers(selected.get(0))) {
                    for (JsonNode cp : container.path("ports")) {
                        ok |= target.isTextual() ? cp.path("name").asText().equals(target.asText())
                                : cp.path("containerPort").asInt() == (target.isMissingNode() ? p.path("port").asInt() : target.asInt());
                    }
                }
                assertTrue(ok, where + ": Service " + name + " targetPort " + target + " is no container port");
            }
        }
        for (ObjectNode w : all) {
            if (w.path("kind").asText().equals("StatefulSet")) {
                assertNotNull(Kustomize.find(all, "Service", w.path("spec").path("serviceName").asText()),
                        where + ": governing Service of StatefulSet " + w.path("metadata").path("name"));
            }
        }
    }

    private static void assertPdbsSelectOneWorkload(List<ObjectNode> all, String where) {
        List<ObjectNode> pdbs = ofKind(all, "PodDisruptionBudget");
        assertEquals(3, pdbs.size(), where + ": one PodDisruptionBudget per service");
        for (ObjectNode pdb : pdbs) {
            long n = all.stream()
                    .filter(o -> Set.of("Deployment", "StatefulSet").contains(o.path("kind").asText()))
                    .filter(o -> matches(pdb.path("spec").path("selector").path("matchLabels"),
                            o.path("spec").path("template").path("metadata").path("labels")))
                    .count();
            assertEquals(1, n, where + ": PDB " + pdb.path("metadata").path("name") + " must select one workload");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void networkPoliciesDenyByDefaultAndAllowOnlyTheNeededFlows(String overlay) throws IOException {
        List<ObjectNode> all = Kustomize.build(K8S.resolve("overlays/" + overlay));
        List<ObjectNode> policies = ofKind(all, "NetworkPolicy");
        Matcher m = Pattern.compile("bootstrap-servers:\\s*[^:\\s]+:(\\d+)")
                .matcher(Files.readString(K8S.resolve("overlays/" + overlay + "/maskwatch.yaml")));
        assertTrue(m.find(), overlay + ": bootstrap-servers in maskwatch.yaml");
        int kafkaPort = Integer.parseInt(m.group(1));
        for (String svc : SERVICES) {
            JsonNode pod = workload(all, svc).path("spec").path("template").path("metadata").path("labels");
            List<ObjectNode> mine = policies.stream()
                    .filter(p -> matches(p.path("spec").path("podSelector").path("matchLabels"), pod)).toList();
            String where = overlay + " " + svc;
            assertTrue(mine.stream().anyMatch(p -> types(p).containsAll(List.of("Ingress", "Egress"))
                    && !p.path("spec").has("ingress") && !p.path("spec").has("egress")), where + ": a default-deny policy");
            int port = DeployFiles.SERVICE_PORTS.get(svc);
            assertTrue(allows(mine, "ingress", "from", port, r -> "prometheus".equals(
                    r.path("podSelector").path("matchLabels").path("app.kubernetes.io/name").asText())),
                    where + ": Prometheus may scrape port " + port);
            assertTrue(allows(mine, "egress", "to", kafkaPort, r -> r.has("podSelector")),
                    where + ": may reach Kafka on " + kafkaPort);
            assertTrue(allows(mine, "egress", "to", 53, r -> r.has("podSelector")), where + ": may resolve names");
            // nothing but Prometheus and (alerter) the Ingress controller may connect
            for (ObjectNode p : mine) {
                for (JsonNode rule : p.path("spec").path("ingress")) {
                    assertFalse(rule.path("from").isEmpty(), where + ": " + p.path("metadata").path("name") + " allows any source");
                }
            }
        }
        JsonNode alerterPod = workload(all, "alerter").path("spec").path("template").path("metadata").path("labels");
        assertTrue(allows(policies.stream().filter(p -> matches(p.path("spec").path("podSelector").path("matchLabels"),
                        alerterPod)).toList(), "ingress", "from", DeployFiles.SERVICE_PORTS.get("alerter"),
                r -> r.has("namespaceSelector") && !r.has("podSelector")), overlay + ": the Ingress controller reaches the alerter");
    }

    private static List<String> types(JsonNode policy) {
        List<String> out = new ArrayList<>();
        policy.path("spec").path("policyTypes").forEach(t -> out.add(t.asText()));
        return out;
    }

    /** Whether a rule of {@code direction} allows {@code port} to/from a peer accepted by {@code peer}. */
    private static boolean allows(List<ObjectNode> policies, String direction, String peers, int port,
                                  java.util.function.Predicate<JsonNode> peer) {
        for (ObjectNode p : policies) {
            for (JsonNode rule : p.path("spec").path(direction)) {
                boolean portOk = false;
                for (JsonNode pt : rule.path("ports")) {
                    portOk |= pt.path("port").asInt() == port;
                }
                boolean peerOk = false;
                for (JsonNode r : rule.path(peers)) {
                    peerOk |= peer.test(r);
                }
                if (portOk && peerOk) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        if (selector == null || selector.isMissingNode() || selector.isEmpty() || labels == null) {
            return false;
        }
        var it = selector.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
                return false;
            }
        }
        return true;
    }
}
