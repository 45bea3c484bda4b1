package io.maskwatch.alerter.notify;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Grouping, rate limiting and delivery of notifications.
 *
 * @param windowMs    after the first alert of a camera, wait this long (wall clock) for more to group with it
 * @param rateLimitMs at most one notification per camera per this period; alerts in between are grouped
 * @param maxAgeMs    notifications older than this when delivery gets to them go to the DLQ as stale (0 = never)
 * @param sinks       where notifications go; an empty list writes them to the topic only
 */
public record NotificationConfig(long windowMs, long rateLimitMs, long maxAgeMs, List<SinkConfig> sinks) {

    public NotificationConfig {
        sinks = sinks == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(sinks));
    }

    public static NotificationConfig defaults() {
        return new NotificationConfig(10_000, 60_000, 3_600_000, List.of(SinkConfig.log()));
    }

    public NotificationConfig withSinks(List<SinkConfig> s) {
        return new NotificationConfig(windowMs, rateLimitMs, maxAgeMs, s);
    }

    /** The sinks with their names filled in (type, or type-index when a type repeats). */
    public List<SinkConfig> namedSinks() {
        List<SinkConfig> out = new ArrayList<>();
        for (int i = 0; i < sinks.size(); i++) {
            SinkConfig s = sinks.get(i);
            String name = s.name();
            if (name == null) {
                final String type = s.type();
                long sameType = sinks.stream().filter(x -> x.name() == null && java.util.Objects.equals(x.type(), type)).count();
                name = sameType > 1 ? type + "-" + i : type;
            }
            out.add(s.withName(name));
        }
        return out;
    }

    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (windowMs < 0) {
            out.add("window-ms must be >= 0, got " + windowMs);
        }
        if (rateLimitMs < 0) {
            out.add("rate-limit-ms must be >= 0, got " + rateLimitMs);
        }
        if (maxAgeMs < 0) {
            out.add("max-age-ms must be >= 0 (0 = no limit), got " + maxAgeMs);
        }
        for (int i = 0; i < sinks.size(); i++) {
            SinkConfig s = sinks.get(i);
            if (s == null) {
                out.add("sinks[" + i + "] must be a mapping with type, url, ...");
                continue;
            }
            for (String p : s.problems()) {
                out.add("sinks[" + i + "]." + p);
            }
        }
        Set<String> names = new HashSet<>();
        for (SinkConfig s : sinks.contains(null) ? List.<SinkConfig>of() : namedSinks()) {
            if (s.name() != null && !names.add(s.name())) {
                out.add("sinks: name '" + s.name() + "' is used twice; give each sink a unique name");
            }
        }
        return out;
    }
}
