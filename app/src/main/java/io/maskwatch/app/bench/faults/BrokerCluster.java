package io.maskwatch.app.bench.faults;

import io.maskwatch.common.config.KafkaSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * Three Kafka brokers in KRaft mode, each a separate JVM ({@link BrokerMain} running {@code kafka.Kafka})
 * with combined broker + controller roles, all three quorum voters, own ports and log directories
 * under one directory. Internal topics have replication factor 3 and min ISR 2, and so have the
 * topics the services create ({@code default.replication.factor}, {@code min.insync.replicas}).
 * Brokers can be killed (-9), restarted on their data, frozen (SIGSTOP) and resumed.
 */
public final class BrokerCluster implements AutoCloseable {
    public static final int SIZE = 3;

    private final Path dir;
    private final int[] brokerPorts = new int[SIZE];
    private final List<ChildJvm> brokers = new ArrayList<>();

    private BrokerCluster(Path dir, String heap) throws IOException {
        this.dir = dir;
        int[] controllerPorts = new int[SIZE];
        for (int i = 0; i < SIZE; i++) {
            brokerPorts[i] = freePort();
            controllerPorts[i] = freePort();
        }
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < SIZE; i++) {
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(controllerPorts[i]);
        }
        String clusterId = Uuid.randomUuid().toString();
        for (int i = 0; i < SIZE; i++) {
            int node = i + 1;
            Path logDir = dir.resolve("broker-" + node);
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", String.valueOf(node));
            p.put("controller.quorum.voters", voters.toString());
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts[i] + ",CONTROLLER://127.0.0.1:" + controllerPorts[i]);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts[i]);
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("log.dirs", logDir.toAbsolutePath().toString());
            p.put("num.partitions", "4");
            p.put("default.replication.factor", "3");
            p.put("min.insync.replicas", "2");
            p.put("auto.create.topics.enable", "false");
            p.put("offsets.topic.replication.factor", "3");
            p.put("offsets.topic.num.partitions", "4");
            p.put("transaction.state.log.replication.factor", "3");
            p.put("transaction.state.log.min.isr", "2");
            p.put("transaction.state.log.num.partitions", "4");
            p.put("share.coordinator.state.topic.replication.factor", "3");
            p.put("share.coordinator.state.topic.min.isr", "2");
            p.put("group.initial.rebalance.delay.ms", "0");
            p.put("message.max.bytes", String.valueOf(KafkaSettings.MAX_MESSAGE_BYTES));
            p.put("replica.fetch.max.bytes", String.valueOf(KafkaSettings.MAX_MESSAGE_BYTES));
            p.put("log.segment.bytes", String.valueOf(32 * 1024 * 1024));
            p.put("log.retention.hours", "24");
            // A dead broker leaves the ISR (and a frozen one is fenced) within seconds, not the defaults' 30 s.
            p.put("replica.lag.time.max.ms", "6000");
            p.put("broker.session.timeout.ms", "6000");
            p.put("broker.heartbeat.interval.ms", "1000");
            p.put("controller.quorum.election.timeout.ms", "1500");
            p.put("controller.quorum.fetch.timeout.ms", "3000");
            p.put("num.network.threads", "2");
            p.put("num.io.threads", "2");
            p.put("num.replica.fetchers", "1");
            p.put("background.threads", "2");
            p.put("log.cleaner.threads", "1");
            Path props = dir.resolve("broker-" + node + ".properties");
            try (var out = Files.newOutputStream(props)) {
                p.store(out, "MaskWatch fault bench broker " + node);
            }
            brokers.add(new ChildJvm("broker-" + node,
                    List.of("-Xmx" + heap, "-Xms64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                            "-Dlog4j2.level=WARN", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                    BrokerMain.class.getName(), List.of(props.toString(), String.valueOf(node), clusterId,
                            logDir.toString()), dir));
        }
    }

    /** Starts the three brokers in {@code dir} and waits until all three serve metadata. */
    public static BrokerCluster start(Path dir, String heap) throws Exception {
        Files.createDirectories(dir);
        BrokerCluster c = new BrokerCluster(dir, heap);
        c.brokers.forEach(ChildJvm::start);
        c.awaitBrokers(SIZE, 120_000);
        return c;
    }

    public String bootstrapServers() {
        StringBuilder b = new StringBuilder();
        for (int port : brokerPorts) {
            b.append(b.isEmpty() ? "" : ",").append("127.0.0.1:").append(port);
        }
        return b.toString();
    }

    public Path dir() {
        return dir;
    }

    /** Broker with node id {@code node} (1..3). */
    public ChildJvm broker(int node) {
        return brokers.get(node - 1);
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000", AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000"));
    }

    /** Waits until {@code n} brokers are registered and reachable. */
    public void awaitBrokers(int n, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            try (Admin a = admin()) {
                int nodes = a.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                if (nodes >= n) {
                    return;
                }
                last = nodes + " brokers registered";
            } catch (Exception e) {
                last = e.getMessage();
            }
            Thread.sleep(500);
        }
        StringBuilder logs = new StringBuilder();
        brokers.forEach(b -> logs.append("\n--- ").append(b).append(" ---\n").append(b.tail(20)));
        throw new IllegalStateException("the 3-broker cluster did not get " + n + " brokers up in " + timeoutMs
                + " ms (" + last + ")" + logs);
    }

    /** Node id of the leader of {@code topic}'s partition {@code partition}. */
    public int leaderOf(String topic, int partition) throws Exception {
        try (Admin a = admin()) {
            TopicDescription d = a.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            Node leader = d.partitions().get(partition).leader();
            if (leader == null) {
                throw new IllegalStateException(topic + "-" + partition + " has no leader");
            }
            return leader.id();
        }
    }

    /** Node id of the active KRaft controller. */
    public int activeController() throws Exception {
        try (Admin a = admin()) {
            return a.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS).leaderId();
        }
    }

    /** Waits until every partition of {@code topics} has all 3 replicas in sync again. */
    public void awaitFullIsr(List<String> topics, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            try (Admin a = admin()) {
                boolean full = a.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
                        .flatMap(d -> d.partitions().stream()).allMatch(p -> p.isr().size() == SIZE);
                if (full) {
                    return;
                }
            } catch (Exception e) {
                // retry until the deadline
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("replicas of " + topics + " not all in sync after " + timeoutMs + " ms");
    }

    @Override
    public void close() {
        brokers.forEach(ChildJvm::kill);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
