package io.maskwatch.common.kafka;

import io.maskwatch.common.config.KafkaSettings;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up check of a service's Kafka access on a secured cluster: does it sign in, and do its ACLs
 * allow what its rows of {@link KafkaAcls} say? Kafka clients would otherwise fail later, deep in a
 * poll loop or a Streams thread, with a message that names neither the service nor the fix.
 */
public final class KafkaAccessCheck {
    private static final Logger log = LoggerFactory.getLogger(KafkaAccessCheck.class);
    private static final Pattern USERNAME = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");

    private KafkaAccessCheck() {
    }

    /** A service cannot use Kafka as configured: wrong credentials or a missing ACL. Not worth retrying. */
    public static final class KafkaAccessException extends RuntimeException {
        public KafkaAccessException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** True when the client properties ask for authentication (SSL or SASL): only then are ACLs likely. */
    public static boolean secured(KafkaSettings kafka) {
        String protocol = kafka.clientProperties().getOrDefault("security.protocol", "PLAINTEXT");
        return !protocol.equalsIgnoreCase("PLAINTEXT");
    }

    /** The user in {@code sasl.jaas.config} (never the password), or null. */
    public static String username(Map<String, String> clientProperties) {
        String jaas = clientProperties.get("sasl.jaas.config");
        if (jaas == null) {
            return null;
        }
        Matcher m = USERNAME.matcher(jaas);
        return m.find() ? m.group(1) : null;
    }

    /**
     * Checks, when {@link #secured}, that {@code service} signs in and holds the ACLs of its
     * {@code grants}: every operation on topics and groups that exist; on those that do not exist
     * yet, prefix rules and transactional ids only Describe (Kafka tells no more without creating
     * something; the rest is left to the clients).
     *
     * @throws KafkaAccessException  wrong credentials or certificates; a missing ACL (cause:
     *                               {@link TopicAuthorizationException}, {@link GroupAuthorizationException}
     *                               or {@link TransactionalIdAuthorizationException})
     *                               A broker that does not answer or another error is logged, not thrown:
     *                               the clients retry as they would without this check.
     */
    public static void verify(KafkaSettings kafka, String service, List<KafkaAcls.Grant> grants) {
        if (!secured(kafka)) {
            return;
        }
        String user = username(kafka.clientProperties());
        String principal = "User:" + (user == null ? "<the client certificate's name>" : user);
        Properties p = kafka.clientConfig();
        p.put("request.timeout.ms", "15000");
        p.put("default.api.timeout.ms", "20000");
        long t0 = System.nanoTime();
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().clusterId().get(25, TimeUnit.SECONDS);
            for (KafkaAcls.Grant g : grants) {
                // a prefix rule is probed with a name under the prefix that nobody creates
                String name = g.pattern() == PatternType.LITERAL ? g.name() : g.name() + PROBE;
                Set<AclOperation> allowed = allowed(admin, g.type(), name);
                List<AclOperation> missing = allowed == null ? List.of() : missing(g, allowed);
                if (!missing.isEmpty()) {
                    String msg = missingMessage(service, principal, g, missing);
                    throw new KafkaAccessException(msg, switch (g.type()) {
                        case TOPIC -> new TopicAuthorizationException(msg, Set.of(g.name()));
                        case GROUP -> new GroupAuthorizationException(msg);
                        default -> new TransactionalIdAuthorizationException(msg);
                    });
                }
            }
            log.info("{}: Kafka access checked as {}: {} ACL rows hold ({} ms)", service, principal, grants.size(),
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (ExecutionException e) {
            RuntimeException r = translate(kafka, service, user, principal, e.getCause());
            if (r instanceof KafkaAccessException) {
                throw r;
            }
            log.warn("{}; starting anyway, the Kafka clients will retry", r.getMessage());
        } catch (TimeoutException e) {
            // not up yet is not a configuration error: the clients wait for it as they would without this check
            log.warn("{}: Kafka at {} did not answer within 25 s, its access is not checked (is the broker up? check "
                    + "kafka.bootstrap-servers); starting anyway, the Kafka clients will retry", service,
                    kafka.bootstrapServers());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking Kafka access", e);
        }
    }

    /** Name used to probe prefix rules: Kafka answers "not found" when Describe is allowed, "not authorized" otherwise. */
    static final String PROBE = "maskwatch-access-check";

    /**
     * Operations the broker lets this principal perform on the resource; empty when it may not even
     * Describe it; null when the broker cannot tell (it does not exist yet, or there is no authorizer).
     */
    private static Set<AclOperation> allowed(Admin admin, ResourceType type, String name)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            switch (type) {
                case TOPIC -> {
                    return admin.describeTopics(List.of(name), new DescribeTopicsOptions().includeAuthorizedOperations(true))
                            .topicNameValues().get(name).get(25, TimeUnit.SECONDS).authorizedOperations();
                }
                case GROUP -> {
                    ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(name),
                                    new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
                            .describedGroups().get(name).get(25, TimeUnit.SECONDS);
                    return d.authorizedOperations();
                }
                case TRANSACTIONAL_ID -> {
                    admin.describeTransactions(List.of(name)).description(name).get(25, TimeUnit.SECONDS);
                    return null; // an ongoing transaction: Describe holds, Write is for the producer to find out
                }
                default -> {
                    return null;
                }
            }
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof TopicAuthorizationException || c instanceof GroupAuthorizationException
                    || c instanceof TransactionalIdAuthorizationException) {
                return Set.of();
            }
            if (c instanceof UnknownTopicOrPartitionException || c instanceof GroupIdNotFoundException
                    || c instanceof TransactionalIdNotFoundException) {
                // Describe is allowed (or the broker would have said "not authorized"), and with it
                // nothing else can be learnt about a resource that does not exist yet
                return null;
            }
            throw e;
        }
    }

    private static List<AclOperation> missing(KafkaAcls.Grant g, Set<AclOperation> allowed) {
        if (allowed.contains(AclOperation.ALL)) {
            return List.of();
        }
        List<AclOperation> out = new ArrayList<>();
        for (AclOperation op : g.operations()) {
            if (op == AclOperation.ALL) {
                if (!allowed.containsAll(EnumSet.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE))) {
                    out.add(op);
                }
            } else if (!allowed.contains(op)) {
                out.add(op);
            }
        }
        return out;
    }

    private static String missingMessage(String service, String principal, KafkaAcls.Grant g, List<AclOperation> ops) {
        return service + " (Kafka " + principal + ") is not allowed to "
                + String.join("/", ops.stream().map(KafkaAcls.Grant::camel).toList()) + " " + g.strimziType() + " '"
                + g.name() + "' (" + g.why() + "); add the ACL " + String.join(", ",
                ops.stream().map(op -> g.describe(principal, op)).toList())
                + " (the table of ACLs per service: docs/SECURITY.md#kafka)";
    }

    private static RuntimeException translate(KafkaSettings kafka, String service, String user, String principal,
                                              Throwable cause) {
        if (cause instanceof SaslAuthenticationException) {
            return new KafkaAccessException(service + " cannot sign in to Kafka at " + kafka.bootstrapServers()
                    + " as " + (user == null ? "the configured user" : "user '" + user + "'") + " ("
                    + kafka.clientProperties().getOrDefault("sasl.mechanism", "GSSAPI")
                    + "): authentication failed; check the password in kafka.client-properties.sasl.jaas.config"
                    + " (and that the user exists on the cluster)", cause);
        }
        if (cause instanceof SslAuthenticationException) {
            return new KafkaAccessException(service + ": TLS handshake with Kafka at " + kafka.bootstrapServers()
                    + " failed (" + cause.getMessage() + "); check kafka.client-properties.ssl.truststore.location"
                    + " (the cluster's CA) and the broker's host name", cause);
        }
        if (cause instanceof AuthenticationException) {
            return new KafkaAccessException(service + " cannot authenticate to Kafka at " + kafka.bootstrapServers()
                    + " as " + principal + ": " + cause.getMessage() + "; check kafka.client-properties", cause);
        }
        if (cause instanceof TopicAuthorizationException || cause instanceof GroupAuthorizationException) {
            return new KafkaAccessException(service + " (Kafka " + principal + ") is missing an ACL: "
                    + cause.getMessage() + " (docs/SECURITY.md#kafka)", cause);
        }
        return new IllegalStateException(service + ": cannot check Kafka access at " + kafka.bootstrapServers()
                + ": " + cause, cause);
    }
}
