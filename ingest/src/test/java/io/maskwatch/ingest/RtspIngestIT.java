package io.maskwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.contract.FrameMetadata;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.common.observability.ServiceHttpServer;
import io.maskwatch.ingest.testing.FrameCollector;
import io.maskwatch.ingest.testing.Prometheus;
import io.maskwatch.ingest.testing.RtspServer;
import io.maskwatch.ingest.testing.TestMedia;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.maskwatch.embeddedkafka.EmbeddedKafkaExtension;
import org.junit.jupiter.api.io.TempDir;

/** RTSP cameras (GStreamer's RTSP server, TCP and UDP) into a real Kafka broker, through crashes and stalls. */
class RtspIngestIT {
    private static final String PASSWORD = "rtsp-Secret-81";
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void framesArriveAtTheConfiguredRateAndSurviveServerCrashAndStall(@TempDir Path tmp) throws Exception {
        Path clip = TestMedia.sharedClip("one-person-mask.mp4").orElse(null); // 720x404 H.264, 25 fps
        int maxWidth = 640;
        try (RtspServer rtsp = RtspServer.start(tmp, clip, "viewer", PASSWORD);
             FrameCollector collector = new FrameCollector(KAFKA.kafka())) {
            List<CameraConfig> cameras = List.of(
                    new CameraConfig("dock-tcp", "Dock (TCP)", rtsp.url("viewer", PASSWORD), 2, maxWidth, 80, true,
                            "tcp", false),
                    new CameraConfig("dock-udp", "Dock (UDP)", rtsp.url("viewer", PASSWORD), 4, maxWidth, 80, true,
                            "udp", false));
            IngestSettings settings = IngestSettings.defaults().withHttpPort(0).withReconnect(200, 2000, 2000);
            PrometheusMeterRegistry registry = Metrics.newRegistry("ingest");
            long startMs = System.currentTimeMillis();
            try (IngestService service = new IngestService(settings, cameras, KAFKA.kafka(), registry);
                 ServiceHttpServer http = new ServiceHttpServer("ingest", "127.0.0.1", 0, registry)) {
                http.addCheck("kafka", service.readiness());
                service.start();
                http.start();
                String base = http.baseUrl();

                assertTrue(collector.await("dock-tcp", 3, Duration.ofSeconds(60)), "no frames over RTSP/TCP: "
                        + service.cameraStatuses() + "\nserver: " + rtsp.output());
                assertTrue(collector.await("dock-udp", 3, Duration.ofSeconds(60)), "no frames over RTSP/UDP: "
                        + service.cameraStatuses());

                // Rate, load-independent: wait (generous deadline) for 16 and 32 frames, then check the
                // sampler never sends faster than configured over the span they were captured in. A slow
                // machine can only deliver fewer frames; rates under load are measured in benchmarks.
                assertTrue(collector.await("dock-tcp", 16, Duration.ofSeconds(90)), "RTSP/TCP frames: "
                        + service.cameraStatuses());
                assertTrue(collector.await("dock-udp", 32, Duration.ofSeconds(90)), "RTSP/UDP frames: "
                        + service.cameraStatuses());
                assertAtMostRate(collector.records("dock-tcp"), 2);
                assertAtMostRate(collector.records("dock-udp"), 4);

                for (String camera : List.of("dock-tcp", "dock-udp")) {
                    checkRecords(collector.records(camera), camera, startMs, maxWidth);
                }
                assertEquals(200, http(base + "/health/ready"));

                String scrape = Prometheus.scrape(base);
                assertEquals(1.0, gauge(scrape, "maskwatch_ingest_camera_up", "dock-tcp"));
                assertTrue(gauge(scrape, "maskwatch_ingest_frames_grabbed_total", "dock-tcp")
                        > 5 * gauge(scrape, "maskwatch_ingest_frames_sent_total", "dock-tcp"),
                        "a 25 fps stream sampled at 2 fps grabs far more frames than it sends");
                assertTrue(gauge(scrape, "maskwatch_ingest_bytes_sent_total", "dock-tcp") > 10_000);
                assertTrue(scrape.contains("maskwatch_ingest_grab_to_send_seconds_bucket{camera=\"dock-tcp\""),
                        "grab-to-send latency histogram");
                assertFalse(scrape.contains(PASSWORD), "the camera password must not reach /metrics");

                // The camera crashes ...
                long seqBefore = maxSeq(collector.records("dock-tcp"));
                rtsp.kill();
                awaitTrue(() -> gauge(scrapeQuietly(base), "maskwatch_ingest_camera_up", "dock-tcp") == 0.0
                        && gauge(scrapeQuietly(base), "maskwatch_ingest_camera_up", "dock-udp") == 0.0,
                        Duration.ofSeconds(30), "cameras should be marked down after the server died");
                // A few failed reconnects against a closed port before it comes back.
                long reconnects = service.cameraStatuses().get(0).reconnects();
                awaitTrue(() -> service.cameraStatuses().get(0).reconnects() >= reconnects + 2, Duration.ofSeconds(60),
                        "reconnect attempts against the closed port: " + service.cameraStatuses());
                rtsp.restart();
                // ... and comes back: the workers reconnect on their own.
                awaitTrue(() -> {
                    String s = scrapeQuietly(base);
                    return gauge(s, "maskwatch_ingest_camera_up", "dock-tcp") == 1.0
                            && gauge(s, "maskwatch_ingest_camera_up", "dock-udp") == 1.0;
                }, Duration.ofSeconds(60), "cameras should be up again after the server restarted: "
                        + service.cameraStatuses());
                scrape = Prometheus.scrape(base);
                assertTrue(gauge(scrape, "maskwatch_ingest_reconnects_total", "dock-tcp") >= 1);
                assertTrue(gauge(scrape, "maskwatch_ingest_reconnects_total", "dock-udp") >= 1);
                assertTrue(collector.await(r -> "dock-tcp".equals(r.key()) && seq(r) > seqBefore + 2, 1,
                        Duration.ofSeconds(30)), "frames continue after the reconnect");

                // A hung camera (connection open, no data) counts as dead after the stall timeout.
                double reconnectsBeforeStall = gauge(scrape, "maskwatch_ingest_reconnects_total", "dock-tcp");
                rtsp.pause();
                try {
                    awaitTrue(() -> gauge(scrapeQuietly(base), "maskwatch_ingest_camera_up", "dock-tcp") == 0.0,
                            Duration.ofSeconds(30), "a silent stream must count as down after stall-timeout-ms");
                    awaitTrue(() -> gauge(scrapeQuietly(base), "maskwatch_ingest_reconnects_total", "dock-tcp")
                            > reconnectsBeforeStall, Duration.ofSeconds(30), "a stalled camera is reconnected");
                } finally {
                    rtsp.resume();
                }
                awaitTrue(() -> gauge(scrapeQuietly(base), "maskwatch_ingest_camera_up", "dock-tcp") == 1.0,
                        Duration.ofSeconds(60), "camera up again after the stall: " + service.cameraStatuses());

                String cameras0 = service.cameraStatuses().toString();
                assertFalse(cameras0.contains(PASSWORD), cameras0);
            }
            for (ConsumerRecord<String, byte[]> r : collector.records()) {
                for (Header h : r.headers()) {
                    assertFalse(new String(h.value(), StandardCharsets.ISO_8859_1).contains(PASSWORD));
                }
            }
        }
    }

    private static void checkRecords(List<ConsumerRecord<String, byte[]>> records, String camera, long startMs,
                                     int maxWidth) throws Exception {
        long prevSeq = -1;
        long prevTs = 0;
        for (ConsumerRecord<String, byte[]> r : records) {
            FrameMetadata md = FrameMetadata.readFrom(r.topic(), r.headers());
            assertEquals(camera, md.cameraId());
            assertEquals(camera, r.key());
            assertEquals(prevSeq + 1, md.sequence(), "sequence numbers count up from 0 without gaps");
            prevSeq = md.sequence();
            assertTrue(md.captureTimestampMs() >= startMs && md.captureTimestampMs() <= System.currentTimeMillis());
            assertTrue(md.captureTimestampMs() >= prevTs, "capture times never go back");
            prevTs = md.captureTimestampMs();
            assertEquals(md.captureTimestampMs(), r.timestamp(), "record timestamp is the capture time");
            assertEquals("image/jpeg", new String(r.headers().lastHeader(FrameMetadata.CONTENT_TYPE).value(),
                    StandardCharsets.UTF_8));
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.value()));
            assertNotNull(img, "value is a decodable JPEG");
            assertEquals(md.width(), img.getWidth());
            assertEquals(md.height(), img.getHeight());
            assertTrue(img.getWidth() <= maxWidth);
        }
        assertTrue(prevSeq >= 10);
    }

    static long countCaptured(List<ConsumerRecord<String, byte[]>> records, long fromMs, long toMs) {
        return records.stream().map(r -> FrameMetadata.readFrom(r.topic(), r.headers()).captureTimestampMs())
                .filter(t -> t >= fromMs && t < toMs).count();
    }

    static long seq(ConsumerRecord<String, byte[]> r) {
        return FrameMetadata.readFrom(r.topic(), r.headers()).sequence();
    }

    static long maxSeq(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().mapToLong(RtspIngestIT::seq).max().orElse(-1);
    }

    static double gauge(String scrape, String name, String camera) {
        return Prometheus.value(scrape, name, Map.of("camera", camera));
    }

    static String scrapeQuietly(String base) {
        return scrapeQuietly(base, null);
    }

    static String scrapeQuietly(String base, String token) {
        try {
            return Prometheus.scrape(base, token);
        } catch (Exception e) {
            return "";
        }
    }

    /** Frames per second over the capture span never exceed {@code fps} (one frame of slack at each end). */
    static void assertAtMostRate(List<ConsumerRecord<String, byte[]>> records, double fps) {
        List<Long> ts = records.stream().map(r -> FrameMetadata.readFrom(r.topic(), r.headers()).captureTimestampMs())
                .sorted().toList();
        double spanS = (ts.get(ts.size() - 1) - ts.get(0)) / 1000.0;
        assertTrue(ts.size() <= fps * spanS + 2, ts.size() + " frames in " + spanS + " s is faster than " + fps + " fps");
    }

    static int http(String url) throws Exception {
        var c = java.net.http.HttpClient.newHttpClient();
        return c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static void awaitTrue(BooleanSupplier condition, Duration timeout, String message) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message);
            }
            Thread.sleep(200);
        }
    }
}
