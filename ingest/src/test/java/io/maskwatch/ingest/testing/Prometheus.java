package io.maskwatch.ingest.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Scrapes /metrics over HTTP and reads samples, as Prometheus would. */
public final class Prometheus {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Prometheus() {
    }

    public static String scrape(String baseUrl) throws Exception {
        return scrape(baseUrl, null);
    }

    /** With {@code Authorization: Bearer token} as Prometheus sends it (the ingest command requires one). */
    public static String scrape(String baseUrl, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/metrics")).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/metrics returned " + r.statusCode());
        }
        return r.body();
    }

    public static String get(String url) throws Exception {
        return get(url, null).body();
    }

    public static HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the sample {@code name{labels...}} (labels given must all match), or NaN. */
    public static double value(String scrape, String name, Map<String, String> labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\}\\s+(\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(scrape);
        while (m.find()) {
            String ls = m.group(1);
            boolean all = labels.entrySet().stream()
                    .allMatch(e -> ls.contains(e.getKey() + "=\"" + e.getValue() + "\""));
            if (all) {
                return Double.parseDouble(m.group(2));
            }
        }
        return Double.NaN;
    }
}
