package io.maskwatch.embeddedkafka;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.io.Directories;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) running in this JVM.
 * Used by integration tests and the one-command demo; production uses an external cluster.
 *
 * <p>Storage is formatted with a fresh cluster id in a temporary directory that
 * {@link #close()} removes. Settings are those a one-node cluster needs for consumer groups
 * and exactly-once transactions (replication factor 1, min ISR 1).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final Path logDir;
    private final boolean deleteOnClose;
    private final int brokerPort;
    private final KafkaRaftServer server;
    private final BrokerTls tls;
    private boolean closed;

    private EmbeddedKafkaBroker(Path logDir, boolean deleteOnClose, int brokerPort, KafkaRaftServer server,
                                BrokerTls tls) {
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
        this.brokerPort = brokerPort;
        this.server = server;
        this.tls = tls;
    }

    /**
     * Users of a SASL_SSL broker: SCRAM-SHA-512 name to password (letters and digits), created when
     * the storage is formatted, so they exist before the first client connects.
     *
     * @param superUser one of {@code users}; the broker's own inter-broker user and the only one
     *                  the authorizer lets do anything without an ACL
     */
    public record SaslUsers(Map<String, String> users, String superUser) {
        public SaslUsers {
            users = Map.copyOf(users);
            if (!users.containsKey(superUser)) {
                throw new IllegalArgumentException("super user " + superUser + " is not one of the users " + users.keySet());
            }
            users.forEach((u, pw) -> {
                if (!u.matches("[A-Za-z0-9._-]+") || !pw.matches("[A-Za-z0-9]+")) {
                    throw new IllegalArgumentException("SCRAM user names are [A-Za-z0-9._-], passwords [A-Za-z0-9]: " + u);
                }
            });
        }
    }

    /**
     * Starts a broker whose only client listener is SASL_SSL (SCRAM-SHA-512) with a certificate made
     * for this run ({@link #truststore()}), the KRaft {@code StandardAuthorizer} and no access without
     * an ACL. The controller listener stays plaintext on 127.0.0.1 (SCRAM cannot secure a KRaft
     * controller listener; its anonymous principal is a super user so the node can register).
     */
    public static EmbeddedKafkaBroker startSaslSsl(SaslUsers users) {
        try {
            return start(Files.createTempDirectory("maskwatch-kafka-"), true, users);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the embedded broker", e);
        }
    }

    /** Starts a broker on 127.0.0.1 on free ports with storage in a new temporary directory. */
    public static EmbeddedKafkaBroker start() {
        try {
            return start(Files.createTempDirectory("maskwatch-kafka-"), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the embedded broker", e);
        }
    }

    /**
     * @param dataDir       where the broker keeps its log; formatted if empty
     * @param deleteOnClose remove {@code dataDir} when the broker stops
     */
    public static EmbeddedKafkaBroker start(Path dataDir, boolean deleteOnClose) {
        return start(dataDir, deleteOnClose, null);
    }

    private static EmbeddedKafkaBroker start(Path dataDir, boolean deleteOnClose, SaslUsers sasl) {
        long t0 = System.nanoTime();
        int brokerPort = freePort();
        int controllerPort = freePort();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        BrokerTls tls = null;
        if (sasl == null) {
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        } else {
            tls = BrokerTls.generate();
            p.put("listeners", "SASL_SSL://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + brokerPort);
            p.put("inter.broker.listener.name", "SASL_SSL");
            p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
            p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            p.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
            p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(sasl.superUser(),
                    sasl.users().get(sasl.superUser())));
            p.put("ssl.keystore.type", "PKCS12");
            p.put("ssl.keystore.location", tls.keystore().toString());
            p.put("ssl.keystore.password", tls.password());
            p.put("ssl.key.password", tls.password());
            p.put("ssl.truststore.type", "PEM");
            p.put("ssl.truststore.location", tls.certificate().toString());
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.put("allow.everyone.if.no.acl.found", "false");
            p.put("super.users", "User:" + sasl.superUser() + ";User:ANONYMOUS");
        }
        p.put("log.dirs", dataDir.toAbsolutePath().toString());
        p.put("num.partitions", "4");
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("message.max.bytes", String.valueOf(KafkaSettings.MAX_MESSAGE_BYTES));
        p.put("replica.fetch.max.bytes", String.valueOf(KafkaSettings.MAX_MESSAGE_BYTES));
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        p.put("log.retention.hours", "24");
        KafkaConfig config = KafkaConfig.fromProps(p, false);
        try {
            boolean empty;
            try (Stream<Path> s = Files.list(dataDir)) {
                empty = s.findAny().isEmpty();
            }
            if (empty) {
                new Formatter()
                        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                        .setClusterId(Uuid.randomUuid().toString())
                        .setNodeId(1)
                        .setControllerListenerName("CONTROLLER")
                        .setMetadataLogDirectory(dataDir.toAbsolutePath().toString())
                        .setDirectories(List.of(dataDir.toAbsolutePath().toString()))
                        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                        .setScramArguments(sasl == null ? List.of() : sasl.users().entrySet().stream()
                                .map(u -> "SCRAM-SHA-512=[name=" + u.getKey() + ",password=" + u.getValue() + "]")
                                .toList())
                        .run();
            }
        } catch (Exception e) {
            if (tls != null) {
                tls.delete();
            }
            throw new IllegalStateException("cannot format embedded Kafka storage in " + dataDir + ": " + e.getMessage(), e);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            if (tls != null) {
                tls.delete();
            }
            throw e;
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, deleteOnClose, brokerPort, server, tls);
        log.info("embedded Kafka broker (KRaft) up at {} in {} ms, data in {}", broker.bootstrapServers(),
                (System.nanoTime() - t0) / 1_000_000, dataDir);
        return broker;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** The broker certificate (PEM) clients must trust ({@code ssl.truststore.type: PEM}); null if plaintext. */
    public Path truststore() {
        return tls == null ? null : tls.certificate();
    }

    /**
     * Client properties (as {@code kafka.client-properties} takes them) that sign in to this SASL_SSL
     * broker as {@code user}.
     */
    public Map<String, String> saslClientProperties(String user, String password) {
        if (tls == null) {
            throw new IllegalStateException("this broker is plaintext; start it with startSaslSsl");
        }
        return Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", jaas(user, password),
                "ssl.truststore.type", "PEM", "ssl.truststore.location", tls.certificate().toString());
    }

    static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    public Path dataDir() {
        return logDir;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (deleteOnClose) {
                Directories.deleteRecursively(logDir);
            }
            if (tls != null) {
                tls.delete();
            }
        }
        log.info("embedded Kafka broker stopped");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
