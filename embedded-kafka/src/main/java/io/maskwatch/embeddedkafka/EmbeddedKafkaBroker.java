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
    private boolean closed;

    private EmbeddedKafkaBroker(Path logDir, boolean deleteOnClose, int brokerPort, KafkaRaftServer server) {
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
        this.brokerPort = brokerPort;
        this.server = server;
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
        long t0 = System.nanoTime();
        int brokerPort = freePort();
        int controllerPort = freePort();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
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
                        .run();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot format embedded Kafka storage in " + dataDir + ": " + e.getMessage(), e);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, deleteOnClose, brokerPort, server);
        log.info("embedded Kafka broker (KRaft) up at {} in {} ms, data in {}", broker.bootstrapServers(),
                (System.nanoTime() - t0) / 1_000_000, dataDir);
        return broker;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
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
