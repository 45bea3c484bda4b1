package io.maskwatch.app.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The bench's notification receiver: counts deliveries per {@code Idempotency-Key} (and the camera of
 * each), so duplicates a receiver would have to drop are counted. Can go down and come back on the
 * same port (the webhook-outage scenario).
 */
final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final int port;
    private HttpServer server;
    private final Map<String, Integer> deliveries = new HashMap<>();
    private final Map<String, String> camera = new HashMap<>();
    private final java.util.List<long[]> times = new java.util.ArrayList<>();
    private final java.util.List<String> timeCameras = new java.util.ArrayList<>();

    WebhookReceiver() throws IOException {
        server = create(0);
        port = server.getAddress().getPort();
    }

    private HttpServer create(int p) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 16);
        s.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
            String cam = "";
            try {
                JsonNode n = JSON.readTree(body);
                cam = n.path("camera_id").asText("");
            } catch (IOException e) {
                // counted under the empty camera
            }
            synchronized (this) {
                deliveries.merge(key == null ? "(none)" : key, 1, Integer::sum);
                camera.put(key == null ? "(none)" : key, cam);
                times.add(new long[] {System.currentTimeMillis()});
                timeCameras.add(cam);
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        s.start();
        return s;
    }

    String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    synchronized void down() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    synchronized void up() throws IOException {
        if (server == null) {
            server = create(port);
        }
    }

    /** [distinct notifications, duplicate deliveries] for cameras starting with {@code prefix}. */
    synchronized long[] counts(String prefix) {
        long distinct = 0;
        long dup = 0;
        for (Map.Entry<String, Integer> e : deliveries.entrySet()) {
            if (camera.getOrDefault(e.getKey(), "").startsWith(prefix)) {
                distinct++;
                dup += e.getValue() - 1;
            }
        }
        return new long[] {distinct, dup};
    }

    /** Wall time of the first delivery for {@code prefix} at or after {@code sinceMs}, or -1. */
    synchronized long firstDeliverySince(String prefix, long sinceMs) {
        for (int i = 0; i < times.size(); i++) {
            if (times.get(i)[0] >= sinceMs && timeCameras.get(i).startsWith(prefix)) {
                return times.get(i)[0];
            }
        }
        return -1;
    }

    @Override
    public void close() {
        down();
    }
}
