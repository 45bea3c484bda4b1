package io.maskwatch.app.bench.faults;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * Entry point of one broker child JVM of {@link BrokerCluster}: formats its log directory on the
 * first start (the cluster id is shared by the three nodes), then runs Kafka's own {@code kafka.Kafka}.
 * Args: properties file, node id, cluster id, log directory.
 */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path props = Path.of(args[0]);
        int nodeId = Integer.parseInt(args[1]);
        String clusterId = args[2];
        Path logDir = Path.of(args[3]);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            Files.createDirectories(logDir);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(clusterId)
                    .setNodeId(nodeId)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir.toAbsolutePath().toString())
                    .setDirectories(List.of(logDir.toAbsolutePath().toString()))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        }
        kafka.Kafka.main(new String[] {props.toString()});
    }
}
