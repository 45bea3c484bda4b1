package io.maskwatch.alerter.notify;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One notification sink. Absent numbers take the defaults below.
 *
 * @param type             {@code webhook} (the Notification JSON), {@code slack} (incoming-webhook payload) or {@code log}
 * @param name             label in metrics and logs (never the URL: webhook URLs are secrets); default type[-index]
 * @param url              http(s) URL for webhook and slack
 * @param headers          extra HTTP headers, e.g. Authorization: Bearer ${WEBHOOK_TOKEN}
 * @param timeoutMs        per-request timeout (default 5000)
 * @param maxRetries       retries after the first attempt before the notification goes to the DLQ (default 5)
 * @param initialBackoffMs first retry delay, doubled per retry, then jittered down by up to half (default 500)
 * @param maxBackoffMs     cap of the retry delay (default 30000)
 * @param email            SMTP settings, for (and only for) type {@code email}; {@code timeout-ms} bounds each SMTP step
 */
public record SinkConfig(
        String type,
        String name,
        String url,
        Map<String, String> headers,
        Long timeoutMs,
        Integer maxRetries,
        Long initialBackoffMs,
        Long maxBackoffMs,
        EmailConfig email) {

    public static final List<String> TYPES = SinkType.wireNames();

    public SinkConfig {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        timeoutMs = timeoutMs == null ? 5_000L : timeoutMs;
        maxRetries = maxRetries == null ? 5 : maxRetries;
        initialBackoffMs = initialBackoffMs == null ? 500L : initialBackoffMs;
        maxBackoffMs = maxBackoffMs == null ? 30_000L : maxBackoffMs;
    }

    /** A sink without e-mail settings (webhook, slack, log). */
    public SinkConfig(String type, String name, String url, Map<String, String> headers, Long timeoutMs,
                      Integer maxRetries, Long initialBackoffMs, Long maxBackoffMs) {
        this(type, name, url, headers, timeoutMs, maxRetries, initialBackoffMs, maxBackoffMs, null);
    }

    public SinkConfig withName(String n) {
        return new SinkConfig(type, n, url, headers, timeoutMs, maxRetries, initialBackoffMs, maxBackoffMs, email);
    }

    /** The type as an enum; call after {@link #problems} found none. */
    public SinkType sinkType() {
        return SinkType.parse(type).orElseThrow(() -> new IllegalArgumentException(
                "unknown sink type '" + type + "', expected one of " + TYPES));
    }

    public static SinkConfig log() {
        return new SinkConfig("log", "log", null, null, null, null, null, null);
    }

    public static SinkConfig http(String type, String name, String url) {
        return new SinkConfig(type, name, url, null, null, null, null, null);
    }

    public SinkConfig withRetries(int retries, long initialBackoff, long maxBackoff) {
        return new SinkConfig(type, name, url, headers, timeoutMs, retries, initialBackoff, maxBackoff, email);
    }

    /** Longest delay before retry number {@code retry} (1-based): initial * 2^(retry-1), capped. */
    public long backoffMs(int retry) {
        double d = initialBackoffMs * Math.pow(2, Math.max(0, retry - 1));
        return (long) Math.min(d, maxBackoffMs);
    }

    /**
     * The delay actually waited before retry {@code retry}: uniformly in [d/2, d] of
     * {@link #backoffMs(int)}, so alerters that failed together do not retry a webhook in lock-step.
     */
    public long backoffMs(int retry, java.util.random.RandomGenerator random) {
        long d = backoffMs(retry);
        long half = d / 2;
        return half + random.nextLong(d - half + 1);
    }

    /** Problems relative to this sink (the caller prefixes {@code notifications.sinks[i].}). */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (type == null || !TYPES.contains(type)) {
            out.add("type must be one of " + TYPES + ", got " + (type == null ? "nothing" : "'" + type + "'"));
        }
        if (name != null && !name.matches("[A-Za-z0-9._-]{1,64}")) {
            out.add("name must be 1-64 letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        if (SinkType.parse(type).map(SinkType::needsUrl).orElse(false)) {
            if (url == null || url.isBlank()) {
                out.add("url is required for a " + type + " sink");
            } else {
                try {
                    URI u = URI.create(url);
                    if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                            || u.getHost() == null) {
                        out.add("url must be an http:// or https:// URL with a host");
                    }
                } catch (IllegalArgumentException e) {
                    out.add("url is not a valid URL"); // never echo it: it may hold a secret
                }
            }
        }
        boolean isEmail = SinkType.parse(type).orElse(null) == SinkType.EMAIL;
        if (isEmail && email == null) {
            out.add("email is required for an email sink (host, from, to, ...)");
        } else if (isEmail) {
            email.problems().forEach(p -> out.add("email." + p));
        } else if (email != null && type != null && TYPES.contains(type)) {
            out.add("email is only for sinks of type email, not " + type);
        }
        if (timeoutMs < 100) {
            out.add("timeout-ms must be >= 100, got " + timeoutMs);
        }
        if (maxRetries < 0 || maxRetries > 20) {
            out.add("max-retries must be 0..20, got " + maxRetries);
        }
        if (initialBackoffMs < 1 || maxBackoffMs < initialBackoffMs) {
            out.add("initial-backoff-ms must be >= 1 and <= max-backoff-ms, got " + initialBackoffMs + " / " + maxBackoffMs);
        }
        return out;
    }
}
