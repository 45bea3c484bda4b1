package io.maskwatch.common.kafka;

import io.maskwatch.common.config.KafkaSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The least-privilege table: which Kafka resources each service's principal may touch. Written once
 * here; docs/SECURITY.md shows {@link #markdown} of {@link #defaults()} ({@code KafkaAclsTest} fails when
 * they differ), the SASL integration test grants exactly these ACLs, k8s KafkaUsers must equal them
 * ({@code KubernetesManifestsTest}), and each service checks its own rows at start-up
 * ({@link KafkaAccessCheck}).
 */
public final class KafkaAcls {
    public static final String INGEST = "ingest";
    public static final String DETECTOR = "detector";
    public static final String ALERTER = "alerter";
    public static final List<String> SERVICES = List.of(INGEST, DETECTOR, ALERTER);

    /** Default consumer group of the detector ({@code detector.group-id}). */
    public static final String DETECTOR_GROUP = "maskwatch-detector";
    /** Default Kafka Streams application id of the alerter ({@code alerter.application-id}). */
    public static final String ALERTER_APPLICATION_ID = "maskwatch-alerter";
    /** The alerter's own DLQ (alerter StreamsDeadLetters.DEFAULT_TOPIC). */
    public static final String ALERTER_DLQ = "maskwatch.alerter.dlq";

    private static final List<AclOperation> WRITE = List.of(AclOperation.DESCRIBE, AclOperation.WRITE);
    private static final List<AclOperation> READ = List.of(AclOperation.DESCRIBE, AclOperation.READ);
    private static final List<AclOperation> READ_WRITE = List.of(AclOperation.DESCRIBE, AclOperation.READ,
            AclOperation.WRITE);

    /**
     * One ACL row: {@code service} may do {@code operations} on the resource.
     *
     * @param why one line for the docs table
     */
    public record Grant(String service, ResourceType type, String name, PatternType pattern,
                        List<AclOperation> operations, String why) {
        public Grant {
            operations = List.copyOf(operations);
        }

        /** Kafka's spelling, as in Strimzi's KafkaUser: {@code Describe}, {@code IdempotentWrite}. */
        public static String camel(Enum<?> e) {
            StringBuilder b = new StringBuilder();
            for (String part : e.name().toLowerCase(Locale.ROOT).split("_")) {
                b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
            return b.toString();
        }

        /** Strimzi's resource type name: {@code topic}, {@code group}, {@code transactionalId}. */
        public String strimziType() {
            String c = camel(type);
            return Character.toLowerCase(c.charAt(0)) + c.substring(1);
        }

        /** The ACL as an operator would add it, for error messages. */
        public String describe(String principal, AclOperation op) {
            return "ALLOW " + principal + " " + camel(op) + " on " + strimziType() + " " + name
                    + (pattern == PatternType.PREFIXED ? " (prefix)" : "");
        }
    }

    private KafkaAcls() {
    }

    /** The table for the default topic names, group and application id (what the docs show). */
    public static List<Grant> defaults() {
        return table(KafkaSettings.TopicNames.defaults(), DETECTOR_GROUP, ALERTER_APPLICATION_ID);
    }

    /** The table for configured names. */
    public static List<Grant> table(KafkaSettings.TopicNames t, String detectorGroup, String alerterApplicationId) {
        List<Grant> g = new ArrayList<>();
        g.add(topic(INGEST, t.frames(), WRITE, "camera frames in"));

        g.add(topic(DETECTOR, t.frames(), READ, "frames to analyse"));
        g.add(new Grant(DETECTOR, ResourceType.GROUP, detectorGroup, PatternType.LITERAL, READ,
                "its consumer group (`detector.group-id`)"));
        g.add(topic(DETECTOR, t.detections(), WRITE, "faces found"));
        g.add(topic(DETECTOR, t.framesDlq(), WRITE, "frames it cannot decode"));

        g.add(topic(ALERTER, t.detections(), READ, "Streams input"));
        g.add(topic(ALERTER, t.frames(), READ, "live view: the latest frame per camera (no group, no commits)"));
        g.add(topic(ALERTER, t.persons(), WRITE, "Streams output"));
        g.add(topic(ALERTER, t.alerts(), READ_WRITE, "Streams output; the API reads its history"));
        g.add(topic(ALERTER, t.alertImages(), READ_WRITE,
                "Streams output (face + heat map per alert, compacted); the API joins them; erasure tombstones"));
        g.add(topic(ALERTER, t.compliance(), READ_WRITE, "Streams output; the API reads its history"));
        g.add(topic(ALERTER, t.notifications(), READ_WRITE, "Streams output; the notification sinks consume it"));
        g.add(topic(ALERTER, t.notificationsDlq(), WRITE, "notifications no sink could deliver"));
        g.add(topic(ALERTER, ALERTER_DLQ, WRITE, "records the topology could not process"));
        g.add(topic(ALERTER, t.alertReviews(), READ_WRITE, "acknowledgements and false alarms (compacted)"));
        g.add(topic(ALERTER, t.alertErasures(), READ_WRITE, "erased alerts (compacted)"));
        g.add(topic(ALERTER, t.audit(), READ_WRITE, "who viewed, reviewed or erased which alert"));
        g.add(new Grant(ALERTER, ResourceType.TOPIC, alerterApplicationId + "-", PatternType.PREFIXED,
                List.of(AclOperation.ALL), "Kafka Streams internal topics (changelogs, repartition)"));
        g.add(new Grant(ALERTER, ResourceType.GROUP, alerterApplicationId, PatternType.LITERAL, READ,
                "the Streams consumer group (`alerter.application-id`)"));
        g.add(new Grant(ALERTER, ResourceType.GROUP, alerterApplicationId + "-notify.", PatternType.PREFIXED, READ,
                "one consumer group per notification sink"));
        g.add(new Grant(ALERTER, ResourceType.TRANSACTIONAL_ID, alerterApplicationId + "-", PatternType.PREFIXED,
                WRITE, "exactly-once transactions of the Streams producers"));
        return List.copyOf(g);
    }

    private static Grant topic(String service, String name, List<AclOperation> ops, String why) {
        return new Grant(service, ResourceType.TOPIC, name, PatternType.LITERAL, ops, why);
    }

    /** The Kafka user of a service: {@code maskwatch-ingest}, as Strimzi's KafkaUsers are named. */
    public static String user(String service) {
        return "maskwatch-" + service;
    }

    /** The rows of one service. */
    public static List<Grant> of(List<Grant> table, String service) {
        return table.stream().filter(g -> g.service().equals(service)).toList();
    }

    /** The rows of one service as ACL bindings for {@code User:<user>}. */
    public static List<AclBinding> bindings(List<Grant> table, String service, String user) {
        List<AclBinding> out = new ArrayList<>();
        for (Grant g : of(table, service)) {
            for (AclOperation op : g.operations()) {
                out.add(new AclBinding(new ResourcePattern(g.type(), g.name(), g.pattern()),
                        new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW)));
            }
        }
        return out;
    }

    /** The docs table (docs/SECURITY.md, "Kafka"). */
    public static String markdown(List<Grant> table) {
        StringBuilder b = new StringBuilder("| Kafka user | resource | name | pattern | operations | why |\n");
        b.append("|---|---|---|---|---|---|\n");
        for (Grant g : table) {
            b.append("| `").append(user(g.service())).append("` | ").append(g.strimziType()).append(" | `")
                    .append(g.name()).append("` | ").append(g.pattern() == PatternType.PREFIXED ? "prefix" : "literal")
                    .append(" | ").append(String.join(", ", g.operations().stream().map(Grant::camel).toList()))
                    .append(" | ").append(g.why()).append(" |\n");
        }
        return b.toString();
    }
}
