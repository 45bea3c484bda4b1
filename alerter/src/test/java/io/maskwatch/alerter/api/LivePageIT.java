package io.maskwatch.alerter.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskwatch.alerter.AlerterConfig;
import io.maskwatch.alerter.AlerterService;
import io.maskwatch.alerter.bench.SyntheticCameras;
import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.common.observability.ServiceHttpServer;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The live view end to end on a real broker: synthetic cameras send frames and detections, the
 * alerter (topology, live feed, API) runs as in production, and the pages are checked over HTTP
 * and in headless Chromium: the camera grid, one camera's MJPEG stream (and that a viewer who
 * leaves frees it), the alert in context (frame, face, heat map, timeline), and the alert filters.
 * With {@code -Dmaskwatch.screenshots=DIR} it also saves the screenshots used in docs/ALERTER.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LivePageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "live-it-token-0123456789";
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    private EmbeddedKafkaBroker broker;
    private Path stateDir;
    private ServiceHttpServer http;
    private AlerterService service;
    private Thread cameras;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), KafkaSettings.TopicNames.defaults(),
                2, (short) 1, true);
        stateDir = Files.createTempDirectory("live-it-state-");
        AlerterConfig cfg = AlerterConfig.defaults().withApplicationId("live-it").withApiToken(TOKEN)
                .withStateDir(stateDir.toString()).withHttp("127.0.0.1", 0, null).withCommitIntervalMs(100);
        var registry = Metrics.newRegistry("alerter");
        http = new ServiceHttpServer("alerter", "127.0.0.1", 0, registry);
        List<CameraConfig> configured = List.of(
                new CameraConfig("entrance-a", "Entrance A", "rtsp://u:pw@cam/1", 4, 1280, 85, true, "tcp", false),
                new CameraConfig("lobby", "Lobby", "rtsp://u:pw@cam/2", 4, 1280, 85, true, "tcp", false),
                new CameraConfig("garage", "Garage", "rtsp://u:pw@cam/3", 4, 1280, 85, true, "tcp", false));
        service = new AlerterService(cfg, kafka, configured, registry).bind(http);
        http.start();
        service.start();
        // Cameras stream for the whole test (4 fps), as real ones do; the garage camera never sends.
        SyntheticCameras synth = new SyntheticCameras(List.of(new SyntheticCameras.Camera("entrance-a", FaceLabel.NO_MASK),
                new SyntheticCameras.Camera("lobby", FaceLabel.INCORRECT),
                new SyntheticCameras.Camera("hall", FaceLabel.MASK)), false);
        cameras = new Thread(() -> {
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(ClientConfigs.producer(kafka, "live-it-cameras"))) {
                while (running.get()) {
                    synth.tick(p, kafka.topics().frames(), kafka.topics().detections(), System.currentTimeMillis());
                    p.flush();
                    Thread.sleep(250);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "live-it-cameras");
        cameras.setDaemon(true);
        cameras.start();
        await("an alert for entrance-a and for lobby", 90, () -> {
            JsonNode list = get("/api/alerts").get("alerts");
            boolean a = false, l = false;
            for (JsonNode n : list) {
                a |= n.get("camera_id").asText().equals("entrance-a");
                l |= n.get("camera_id").asText().equals("lobby");
            }
            return a && l;
        });
        // Nobody watched so far (frames not read); a viewer's first request starts reading them.
        await("a first frame of every sending camera once a viewer came", 30, () -> {
            get("/api/cameras");
            return send("/api/cameras/entrance-a/snapshot.jpg", true).statusCode() == 200
                    && send("/api/cameras/lobby/snapshot.jpg", true).statusCode() == 200
                    && send("/api/cameras/hall/snapshot.jpg", true).statusCode() == 200;
        });
    }

    @AfterAll
    void stop() throws Exception {
        running.set(false);
        if (cameras != null) {
            cameras.join(10_000);
        }
        if (service != null) {
            service.close();
        }
        if (http != null) {
            http.close();
        }
        if (broker != null) {
            broker.close();
        }
        io.maskwatch.common.io.Directories.deleteRecursively(stateDir);
    }

    // --- API over HTTP ---

    @Test
    void camerasListConfiguredAndSeenCamerasWithStatus() throws Exception {
        JsonNode cams = get("/api/cameras").get("cameras");
        Map<String, JsonNode> byId = new java.util.HashMap<>();
        cams.forEach(c -> byId.put(c.get("camera_id").asText(), c));
        assertEquals(java.util.Set.of("entrance-a", "lobby", "garage", "hall"), byId.keySet(), cams::toString);
        assertEquals("up", byId.get("entrance-a").get("status").asText());
        assertEquals("Entrance A", byId.get("entrance-a").get("camera_name").asText());
        assertTrue(byId.get("entrance-a").get("last_frame_ms").asLong() > 0);
        assertTrue(byId.get("entrance-a").has("compliance_15m"));
        assertEquals("down", byId.get("garage").get("status").asText(), "configured, never sent a frame");
        assertTrue(byId.get("garage").get("last_frame_ms").isNull());
        assertEquals("hall", byId.get("hall").get("camera_name").asText(), "not configured: named by its id");
    }

    @Test
    void snapshotIsTheLatestFrameWithFaceBoxesInTheirStatusColour() throws Exception {
        BufferedImage img = image("/api/cameras/entrance-a/snapshot.jpg");
        assertEquals(SyntheticCameras.WIDTH, img.getWidth());
        // Somewhere on the frame the no-mask box is drawn in red; on the masked camera in green.
        assertTrue(countPixels(img, 200, 60, 60) > 200, "red (no mask) box pixels on entrance-a");
        assertTrue(countPixels(image("/api/cameras/hall/snapshot.jpg"), 30, 150, 70) > 200, "green (mask) box pixels on hall");
        assertTrue(countPixels(image("/api/cameras/lobby/snapshot.jpg"), 240, 160, 0) > 200, "amber (below nose) box on lobby");
        BufferedImage small = image("/api/cameras/entrance-a/snapshot.jpg?size=small");
        assertTrue(small.getWidth() <= 480 && small.getWidth() >= 320, "grid tile width " + small.getWidth());
    }

    @Test
    void unknownCameraIs404AndTheApiNeedsTheToken() throws Exception {
        for (String path : List.of("/api/cameras/nope", "/api/cameras/nope/snapshot.jpg", "/api/cameras/nope/stream.mjpeg")) {
            HttpResponse<String> r = send(path, true);
            assertEquals(404, r.statusCode(), path);
            assertTrue(r.body().contains("no camera 'nope'"), r.body());
        }
        assertEquals(404, send("/api/cameras/garage/snapshot.jpg", true).statusCode(), "no frame yet");
        assertEquals(400, send("/api/cameras/entrance-a/snapshot.jpg?size=huge", true).statusCode());
        for (String path : List.of("/api/cameras", "/api/cameras/entrance-a/snapshot.jpg",
                "/api/cameras/entrance-a/stream.mjpeg")) {
            assertEquals(401, send(path, false).statusCode(), path);
        }
    }

    @Test
    void streamSendsAnnotatedPartsAndAViewerWhoLeavesFreesIt() throws Exception {
        int before = service.live().activeStreams();
        try (Socket s = new Socket("127.0.0.1", http.port())) {
            OutputStream out = s.getOutputStream();
            // HTTP/1.0: the body comes unchunked, so the parts can be read straight off the socket.
            out.write(("GET /api/cameras/entrance-a/stream.mjpeg HTTP/1.0\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String head = readUntil(in, "\r\n\r\n");
            assertTrue(head.startsWith("HTTP/1.1 200") && !head.toLowerCase().contains("chunked"), head);
            assertTrue(head.toLowerCase().contains("content-type: multipart/x-mixed-replace; boundary=mwframe"), head);
            List<BufferedImage> parts = new ArrayList<>();
            while (parts.size() < 3) {
                readUntil(in, "--mwframe\r\n");
                String partHead = readUntil(in, "\r\n\r\n");
                Matcher m = Pattern.compile("Content-Length: (\\d+)").matcher(partHead);
                assertTrue(m.find(), partHead);
                byte[] jpeg = in.readNBytes(Integer.parseInt(m.group(1)));
                parts.add(ImageIO.read(new ByteArrayInputStream(jpeg)));
            }
            assertEquals(before + 1, service.live().activeStreams());
            String metrics = send("/metrics", true).body();
            assertTrue(metrics.matches("(?s).*maskwatch_alerter_live_streams\\{[^}]*\\} " + (before + 1) + "\\.0.*"),
                    () -> "live streams gauge: " + metrics.lines().filter(l -> l.contains("live_streams")).toList());
            for (BufferedImage p : parts) {
                assertNotNull(p);
                int red = countPixels(p, 200, 60, 60);
                assertTrue(red > 200, () -> "each part is annotated: " + red + " red pixels; camera "
                        + service.live().camera("entrance-a") + ", " + service.live().debug("entrance-a"));
            }
        }
        // The socket is closed: the next frame's write fails and the stream ends.
        await("the stream to be freed", 20, () -> service.live().activeStreams() == before);
    }

    @Test
    void alertDetailHasTheFullFrameAndTheTracksTimeline() throws Exception {
        JsonNode a = alertOf("entrance-a");
        JsonNode d = get(a.get("url").asText());
        assertFalse(d.get("frame_url").isNull(), d::toString);
        BufferedImage frame = image(d.get("frame_url").asText());
        assertEquals(SyntheticCameras.WIDTH, frame.getWidth());
        assertTrue(countPixels(frame, 200, 60, 60) > 200, "the box is drawn on the alert's frame");
        JsonNode tl = d.get("timeline");
        assertEquals(a.get("frame_count").asInt(), tl.size(), "one timeline entry per face of the track: " + tl);
        tl.forEach(e -> assertEquals("no_mask", e.get("label").asText()));
        assertEquals(a.get("timestamp_ms").asLong(), tl.get(tl.size() - 1).get("capture_ms").asLong(),
                "the timeline ends at the alerting frame");
        assertEquals(404, send("/api/alerts/nope/frame.jpg", true).statusCode());
        // A notification's signed link opens the face, not the frame with everyone else in view.
        String signed = d.get("share_face_url").asText();
        String sig = signed.substring(signed.indexOf("?sig="));
        assertEquals(200, send(a.get("url").asText() + "/face.jpg" + sig, false).statusCode());
        assertEquals(401, send(a.get("url").asText() + "/frame.jpg" + sig, false).statusCode());
    }

    @Test
    void aFaceOnTheLiveViewCarriesTheTrackIdOfItsPersonsAlert() throws Exception {
        // The synthetic person walks across and re-enters, so tracks (and their alerts) come and go: wait
        // for a shown face whose track has alerted, and check it is the id the alert names.
        java.util.concurrent.atomic.AtomicReference<String> seen = new java.util.concurrent.atomic.AtomicReference<>();
        await("a shown face with the track id of an alert", 30, () -> {
            JsonNode cam = get("/api/cameras/entrance-a");
            JsonNode faces = cam.get("faces");
            assertEquals(1, faces.size(), cam::toString);
            assertEquals("no_mask", faces.get(0).get("label").asText());
            JsonNode track = faces.get(0).get("track_id");
            if (track.isNull()) {
                return false;
            }
            assertTrue(track.asText().startsWith("entrance-a-"), track::toString);
            for (JsonNode a : get("/api/alerts?camera=entrance-a").get("alerts")) {
                if (a.get("track_id").asText().equals(track.asText())) {
                    seen.set(track.asText());
                    return true;
                }
            }
            return false;
        });
        assertNotNull(seen.get());
        JsonNode lobby = get("/api/cameras/lobby").get("faces");
        assertTrue(lobby.get(0).get("track_id").isNull() || lobby.get(0).get("track_id").asText().startsWith("lobby-"),
                lobby::toString);
    }

    // --- pages in headless Chromium ---

    @Test
    void gridShowsEveryCameraWithItsSnapshot() throws Exception {
        assumeChromium();
        String dom = chromium("/cameras", null);
        assertTrue(dom.contains("data-state=\"ok\""), dom);
        for (String cam : List.of("entrance-a", "lobby", "hall")) {
            String tile = tile(dom, cam);
            assertTrue(tile.contains("data-status=\"up\""), tile);
            assertTrue(tile.matches("(?s).*<img class=\"snap\"[^>]*data-loaded=\"true\".*"), () -> "snapshot loaded: " + tile);
        }
        String garage = tile(dom, "garage");
        assertTrue(garage.contains("data-status=\"down\"") && garage.contains("no frame yet"), garage);
        assertTrue(dom.contains("Entrance A"));
        assertFalse(dom.matches("(?s).*(src|href)=\"[^\"]*" + TOKEN + ".*"), "no URL carries the token");
        screenshot("/cameras", "live-grid.png", "1280,820");
    }

    @Test
    void oneCameraPlaysItsStream() throws Exception {
        assumeChromium();
        String dom = chromium("/cameras/entrance-a", null);
        assertTrue(dom.matches("(?s).*<img id=\"live\"[^>]*src=\"/api/cameras/entrance-a/stream\\.mjpeg\".*"), dom);
        assertTrue(dom.matches("(?s).*<img id=\"live\"[^>]*data-loaded=\"true\".*"), () -> "stream shows a picture:\n" + dom);
        screenshot("/cameras/entrance-a", "live-camera.png", "1280,720");
        await("chromium's stream to be freed", 20, () -> service.live().activeStreams() == 0);
    }

    @Test
    void alertPageShowsFrameFaceHeatMapAndTimeline() throws Exception {
        assumeChromium();
        JsonNode a = alertOf("entrance-a");
        String page = "/alerts/" + a.get("alert_id").asText();
        String dom = chromium(page, null);
        assertTrue(dom.contains("data-state=\"ok\""), dom);
        for (String cls : List.of("frame", "face", "heatmap")) {
            assertTrue(dom.matches("(?s).*<img class=\"" + cls + "\"[^>]*data-loaded=\"true\".*"), () -> cls + " loaded:\n" + dom);
        }
        int frames = count(dom, "<tr class=\"frame[^\"]*\" data-label=\"no_mask\">");
        assertTrue(frames >= 4, "timeline rows: " + frames + "\n" + dom);
        assertTrue(dom.contains("no mask at Entrance A"), dom);
        assertTrue(dom.contains("class=\"ack\"") && dom.contains("class=\"false-alarm\""), "custodian buttons");
        screenshot(page, "alert-detail.png", "1280,900");
    }

    @Test
    void filtersNarrowTheAlertTable() throws Exception {
        assumeChromium();
        String all = chromium("/", null);
        assertTrue(all.contains("data-state=\"ok\""), all);
        List<String> cams = rowCameras(all);
        assertTrue(cams.contains("entrance-a") && cams.contains("lobby"), cams.toString());
        // Paging: a page holds 25; with more alerts than that, "older" leads on.
        assertTrue(cams.size() <= 25, "rows on the first page: " + cams.size());
        if (get("/api/alerts?limit=100").get("count").asInt() > 25 + 4) {
            assertEquals(25, cams.size());
            assertTrue(all.matches("(?s).*<button type=\"button\" id=\"older\">.*"), "older enabled:\n" + all);
        }
        List<String> lobby = rowCameras(chromium("/?camera=lobby", null));
        assertFalse(lobby.isEmpty());
        assertTrue(lobby.stream().allMatch("lobby"::equals), lobby.toString());
        String unmasked = chromium("/?status=unmasked", null);
        assertFalse(rowCameras(unmasked).isEmpty());
        assertTrue(rowCameras(unmasked).stream().allMatch("entrance-a"::equals), unmasked);
        assertFalse(unmasked.contains("mask below nose</td>"), "no below-nose rows under status=unmasked");
        String future = chromium("/?from=2999-01-01T00:00:00Z", null);
        assertTrue(rowCameras(future).isEmpty() && future.contains("id=\"empty\" class=\"empty\">"), future);
        screenshot("/", "alerts-page.png", "1280,900");
        screenshot("/", "alerts-phone.png", "390,844");
    }

    // --- helpers ---

    private static void assumeChromium() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "chromium not installed at " + CHROMIUM + "; skipping the page test");
    }

    private JsonNode alertOf(String camera) throws Exception {
        for (JsonNode n : get("/api/alerts?camera=" + camera).get("alerts")) {
            return n;
        }
        throw new AssertionError("no alert for " + camera);
    }

    private static List<String> rowCameras(String dom) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<tr class=\"alert[^\"]*\" data-alert-id=\"([^\"]+)\"").matcher(dom);
        while (m.find()) {
            out.add(m.group(1).startsWith("entrance-a-") ? "entrance-a" : m.group(1).replaceAll("-\\d+-\\d+-\\d+$", ""));
        }
        return out;
    }

    private static String tile(String dom, String camera) {
        Matcher m = Pattern.compile("<div class=\"tile[^\"]*\" data-camera=\"" + camera + "\"(.*?)</div></div>", Pattern.DOTALL)
                .matcher(dom);
        if (!m.find()) {
            throw new AssertionError("no tile for " + camera + " in:\n" + dom);
        }
        return m.group(0);
    }

    private static int count(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Pixels close to the colour (the JPEG blurs edges a little). */
    private static int countPixels(BufferedImage img, int r, int g, int b) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y += 1) {
            for (int x = 0; x < img.getWidth(); x += 1) {
                int p = img.getRGB(x, y);
                if (Math.abs(((p >> 16) & 255) - r) < 40 && Math.abs(((p >> 8) & 255) - g) < 40 && Math.abs((p & 255) - b) < 40) {
                    n++;
                }
            }
        }
        return n;
    }

    private String url(String path) {
        return http.baseUrl() + path;
    }

    private HttpResponse<String> send(String path, boolean auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(java.time.Duration.ofSeconds(10));
        if (auth) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = send(path, true);
        assertEquals(200, r.statusCode(), () -> path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private BufferedImage image(String path) throws Exception {
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(url(path)))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), path);
        assertEquals("image/jpeg", r.headers().firstValue("Content-Type").orElse(""));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertNotNull(img, path + " is a JPEG");
        return img;
    }

    private static String readUntil(InputStream in, String marker) throws Exception {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith(marker)) {
            int c = in.read();
            if (c < 0) {
                throw new AssertionError("stream ended before '" + marker.trim() + "'; got: " + sb);
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    private static void await(String what, int seconds, java.util.concurrent.Callable<Boolean> cond) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            if (cond.call()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
    }

    /** The page's DOM after scripts ran, signed in by a one-time link (as the demo does). */
    private String chromium(String page, String screenshotTo) throws Exception {
        return runChromium(page, screenshotTo, "1280,900");
    }

    private void screenshot(String page, String name, String size) throws Exception {
        String dir = System.getProperty("maskwatch.screenshots");
        if (dir != null) {
            Path out = Path.of(dir).toAbsolutePath().resolve(name);
            Files.createDirectories(out.getParent());
            runChromium(page, out.toString(), size);
            assertTrue(Files.size(out) > 1000, "screenshot " + out);
        }
    }

    private String runChromium(String page, String screenshotTo, String size) throws Exception {
        String login = url("/login?code=" + service.oneTimeLoginCode() + "&next="
                + java.net.URLEncoder.encode(page, StandardCharsets.UTF_8));
        Path profile = Files.createTempDirectory("live-chromium-");
        try {
            List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + profile,
                    "--virtual-time-budget=8000", "--window-size=" + size));
            cmd.add(screenshotTo != null ? "--screenshot=" + screenshotTo : "--dump-dom");
            cmd.add(login);
            Path out = profile.resolve("dom.html");
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IllegalStateException("chromium did not finish in 120 s");
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            io.maskwatch.common.io.Directories.deleteRecursively(profile);
        }
    }
}
