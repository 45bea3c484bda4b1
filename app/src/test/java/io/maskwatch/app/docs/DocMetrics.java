package io.maskwatch.app.docs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Metric names the documentation mentions ({@link DocFiles#metricNames}) against a Prometheus scrape
 * of the running services. A documented name matches a sample name, or a family whose samples add
 * one of the Prometheus suffixes ({@code _total}, {@code _bucket}, {@code _count}, {@code _sum},
 * {@code _max}); the scrape is taken by {@link io.maskwatch.app.deploy.DashboardDriftIT}.
 */
public final class DocMetrics {
    /** Names the docs use on purpose that no service exports, with the reason. */
    static final Map<String, String> NOT_EXPORTED = Map.of(
            "maskwatch_detector_lag",
            "external metric the prometheus-adapter rule in docs/DEPLOYMENT.md defines from kafka_consumergroup_lag");
    private static final List<String> SUFFIXES = List.of("", "_total", "_bucket", "_count", "_sum", "_max");

    private DocMetrics() {
    }

    /** "docs/X.md:12: maskwatch_... is not exported ..." for each documented name the scrape lacks. */
    public static List<String> notExported(Path root, Set<String> scrapedNames) {
        List<String> drift = new ArrayList<>();
        Set<String> reported = new TreeSet<>();
        for (DocFiles.Located m : DocFiles.metricNames(root)) {
            String name = m.text();
            if (NOT_EXPORTED.containsKey(name) || SUFFIXES.stream().anyMatch(s -> scrapedNames.contains(name + s))) {
                continue;
            }
            if (reported.add(m.where() + name)) {
                drift.add(m.where() + ": metric " + name + " is not exported by ingest, detector or alerter");
            }
        }
        return drift;
    }
}
