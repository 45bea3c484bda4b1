package io.maskwatch.app.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Keeps dashboards and alert rules from drifting away from the metrics the services export.
 *
 * <p>{@link #queriedMetrics} collects every metric name that the Grafana dashboards
 * (deploy/grafana/dashboards), the Prometheus rules (deploy/prometheus/rules) and Kubernetes
 * PrometheusRules (k8s/) query; {@link #missingMetrics} says which of them a Prometheus scrape of
 * the services does not contain. Usage against running services: scrape /metrics of ingest,
 * detector and alerter after some traffic (labelled meters appear on first use), concatenate the
 * texts, and expect {@code missingMetrics(queriedMetrics(root), scrape)} to be empty.
 */
public final class DashboardMetrics {
    /** Metric families the deployment queries: the services' own, JVM/process, Kafka exporter's. */
    static final Pattern METRIC_NAME =
            Pattern.compile("(?<![A-Za-z0-9_:$])((?:maskwatch|jvm|process|kafka)_[A-Za-z0-9_]*[A-Za-z0-9])(?![A-Za-z0-9_:])");
    private static final Pattern STRING_LITERAL =
            Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern COMMENT = Pattern.compile("#[^\\n]*");
    /** Keys whose string values are PromQL in Grafana dashboards (targets, variables, annotations). */
    private static final Set<String> DASHBOARD_QUERY_KEYS = Set.of("expr", "query", "definition");
    /**
     * Metric families of the Kafka exporter (danielqsj/kafka-exporter, also inside Strimzi), scraped
     * from the exporter rather than the services.
     */
    static final List<String> KAFKA_EXPORTER_PREFIXES =
            List.of("kafka_consumergroup_", "kafka_topic_", "kafka_brokers", "kafka_broker_", "kafka_exporter_");

    private DashboardMetrics() {
    }

    /** Every metric name queried by the dashboards and alert rules under {@code repoRoot}. */
    public static Set<String> queriedMetrics(Path repoRoot) {
        Set<String> out = new TreeSet<>();
        for (String expr : queries(repoRoot)) {
            out.addAll(metricNames(expr));
        }
        return out;
    }

    /**
     * The queried metrics that {@code scrapeText} (Prometheus text format, one or several services'
     * scrapes concatenated) does not contain. Kafka exporter metrics are not expected from services
     * and are never reported.
     */
    public static Set<String> missingMetrics(Set<String> queried, String scrapeText) {
        Set<String> exported = scrapedNames(scrapeText);
        Set<String> missing = new TreeSet<>();
        for (String name : queried) {
            if (!isKafkaExporterMetric(name) && !exported.contains(name)) {
                missing.add(name);
            }
        }
        return missing;
    }

    static boolean isKafkaExporterMetric(String name) {
        return KAFKA_EXPORTER_PREFIXES.stream().anyMatch(name::startsWith);
    }

    /** Metric names of the samples in a Prometheus text-format scrape. */
    static Set<String> scrapedNames(String scrapeText) {
        Set<String> names = new TreeSet<>();
        for (String line : scrapeText.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < l.length() && l.charAt(end) != '{' && !Character.isWhitespace(l.charAt(end))) {
                end++;
            }
            names.add(l.substring(0, end));
        }
        return names;
    }

    /** Metric names in one PromQL expression; string literals (label values, regexes) and comments ignored. */
    static Set<String> metricNames(String promql) {
        String code = STRING_LITERAL.matcher(promql).replaceAll("\"\"");
        code = COMMENT.matcher(code).replaceAll("");
        Set<String> out = new TreeSet<>();
        Matcher m = METRIC_NAME.matcher(code);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Every PromQL expression of the dashboards and rules, for tests that look at them further. */
    static List<String> queries(Path repoRoot) {
        List<String> out = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (Path f : files(repoRoot.resolve("deploy/grafana/dashboards"), ".json")) {
            try {
                collect(json.readTree(f.toFile()), DASHBOARD_QUERY_KEYS, out);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read dashboard " + f, e);
            }
        }
        for (Path f : files(repoRoot.resolve("deploy/prometheus/rules"), ".yml", ".yaml")) {
            for (JsonNode doc : yaml(f, json)) {
                collect(doc, Set.of("expr"), out);
            }
        }
        for (Path f : files(repoRoot.resolve("k8s"), ".yml", ".yaml")) {
            for (JsonNode doc : yaml(f, json)) {
                if ("PrometheusRule".equals(doc.path("kind").asText())) {
                    collect(doc.path("spec"), Set.of("expr"), out);
                }
            }
        }
        return out;
    }

    private static void collect(JsonNode node, Set<String> keys, List<String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                if (keys.contains(e.getKey()) && e.getValue().isTextual()) {
                    out.add(e.getValue().asText());
                } else {
                    collect(e.getValue(), keys, out);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, keys, out));
        }
    }

    private static List<JsonNode> yaml(Path file, ObjectMapper json) {
        List<JsonNode> docs = new ArrayList<>();
        try {
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
                if (doc != null) {
                    docs.add(json.valueToTree(doc));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return docs;
    }

    private static List<Path> files(Path dir, String... extensions) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> Stream.of(extensions).anyMatch(p.getFileName().toString()::endsWith))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
