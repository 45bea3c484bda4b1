package io.maskwatch.ingest;

import static io.maskwatch.ingest.RtspIngestIT.awaitTrue;
import static io.maskwatch.ingest.RtspIngestIT.gauge;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.ingest.testing.ChildJvm;
import io.maskwatch.ingest.testing.FrameCollector;
import io.maskwatch.ingest.testing.IngestMain;
import io.maskwatch.ingest.testing.MjpegServer;
import io.maskwatch.ingest.testing.Prometheus;
import io.maskwatch.ingest.testing.RawFfmpegProbe;
import io.maskwatch.ingest.testing.TestMedia;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.maskwatch.embeddedkafka.EmbeddedKafkaExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./maskwatch ingest} in its own JVM with good and bad cameras: an unreachable camera, a file
 * that is not a video, and an MJPEG stream of garbage must each give a clear error, must not stop the
 * good cameras, and the cameras' password must appear nowhere: not in the process's stdout/stderr
 * (native FFmpeg output included), not in /metrics or /cameras, not in Kafka.
 */
class BadSourcesIT {
    private static final String PASSWORD = "Pw-9xQ7-mask";
    private static final String TOKEN = "ingest-metrics-token-5f2c9a";
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void badCamerasFailClearlyWithoutLeakingTheirPasswordOrStoppingOthers(@TempDir Path tmp) throws Exception {
        Path clip = TestMedia.clip(tmp, "one-person-mask.mp4", 640, 360);
        Path notVideo = tmp.resolve("notes.mp4");
        Files.writeString(notVideo, "these are meeting notes, not a video\n".repeat(200));
        int closedPort = freePort();
        int httpPort = freePort();
        try (MjpegServer mjpeg = new MjpegServer(320, 240, 10, "cam", PASSWORD);
             FrameCollector collector = new FrameCollector(KAFKA.kafka())) {
            String yaml = """
                    kafka:
                      bootstrap-servers: %s
                    ingest:
                      http-port: %d
                      stall-timeout-ms: 3000
                      reconnect-initial-backoff-ms: 200
                      reconnect-max-backoff-ms: 2000
                      ffmpeg-log-level: info
                    cameras:
                      - id: lobby-file
                        url: %s
                        fps: 4
                        loop: true
                      - id: hall-mjpeg
                        url: %s
                        fps: 4
                      - id: unreachable-cam
                        url: rtsp://admin:${CAM_PASSWORD}@127.0.0.1:%d/live?token=${CAM_PASSWORD}
                      - id: not-video
                        url: %s
                      - id: corrupt-mjpeg
                        url: %s
                    """.formatted(KAFKA.bootstrapServers(), httpPort, clip, mjpeg.url("/video.mjpg", "cam",
                    "${CAM_PASSWORD}"), closedPort, notVideo, mjpeg.url("/garbage.mjpg", "cam", "${CAM_PASSWORD}"));
            Path config = tmp.resolve("maskwatch.yaml");
            Files.writeString(config, yaml);
            String base = "http://127.0.0.1:" + httpPort;

            try (ChildJvm ingest = new ChildJvm(IngestMain.class, List.of("--config", config.toString()),
                    Map.of("CAM_PASSWORD", PASSWORD, "MASKWATCH_INGEST_API_TOKEN", TOKEN))) {
                // good cameras deliver, bad ones keep failing in their own threads
                assertTrue(collector.await("lobby-file", 6, Duration.ofSeconds(90)), "file camera: "
                        + ingest.output());
                assertTrue(collector.await("hall-mjpeg", 6, Duration.ofSeconds(60)), "MJPEG camera: "
                        + ingest.output());
                awaitTrue(() -> ingest.output().contains("camera unreachable-cam: cannot open rtsp://***@127.0.0.1:"
                                + closedPort + "/live?token=***: Connection refused"),
                        Duration.ofSeconds(30), "clear error for the unreachable camera:\n" + ingest.output());
                awaitTrue(() -> ingest.output().contains("camera not-video: cannot open " + notVideo
                                + ": Invalid data found when processing input"),
                        Duration.ofSeconds(30), "clear error for the non-video file:\n" + ingest.output());
                awaitTrue(() -> ingest.output().contains("camera corrupt-mjpeg: still opening the stream after")
                                || ingest.output().contains("camera corrupt-mjpeg: no frame decoded for"),
                        Duration.ofSeconds(40), "clear error for the corrupt stream:\n" + ingest.output());
                assertTrue(ingest.output().contains("data arrives but does not decode"), ingest.output());
                awaitTrue(() -> gauge(RtspIngestIT.scrapeQuietly(base, TOKEN), "maskwatch_ingest_decode_errors_total",
                        "corrupt-mjpeg") > 0, Duration.ofSeconds(30), "decode errors counted for the garbage stream");
                awaitTrue(() -> gauge(RtspIngestIT.scrapeQuietly(base, TOKEN), "maskwatch_ingest_reconnects_total",
                        "unreachable-cam") >= 2, Duration.ofSeconds(30), "unreachable camera retried");

                int fileFrames = collector.records("lobby-file").size();
                assertTrue(collector.await("lobby-file", fileFrames + 3, Duration.ofSeconds(60)), "good cameras keep streaming");
                assertTrue(mjpeg.authorizedRequests() >= 2, "credentials from the URL reach the camera");

                assertEquals(401, Prometheus.get(base + "/metrics", null).statusCode(), "/metrics needs the token");
                assertEquals(401, Prometheus.get(base + "/cameras", null).statusCode(), "/cameras needs the token");
                assertEquals(200, Prometheus.get(base + "/health/live", null).statusCode(), "/health/* stays open");
                String scrape = Prometheus.scrape(base, TOKEN);
                assertEquals(1.0, gauge(scrape, "maskwatch_ingest_camera_up", "lobby-file"));
                assertEquals(1.0, gauge(scrape, "maskwatch_ingest_camera_up", "hall-mjpeg"));
                for (String bad : List.of("unreachable-cam", "not-video", "corrupt-mjpeg")) {
                    assertEquals(0.0, gauge(scrape, "maskwatch_ingest_camera_up", bad), bad);
                    assertEquals(0.0, gauge(scrape, "maskwatch_ingest_frames_sent_total", bad), bad);
                }
                String cameras = Prometheus.get(base + "/cameras", TOKEN).body();
                assertTrue(cameras.contains("\"url\":\"rtsp://***@127.0.0.1:" + closedPort + "/live?token=***\""),
                        cameras);
                assertTrue(cameras.contains("Connection refused"), cameras);

                assertFalse(scrape.contains(PASSWORD), "password in /metrics");
                assertFalse(cameras.contains(PASSWORD), "password in /cameras");
                assertTrue(ingest.alive(), "the ingest process must survive its bad cameras:\n" + ingest.output());
                int rc = ingest.terminate(30); // SIGTERM: graceful stop through the shutdown hook
                String out = ingest.output();
                assertTrue(out.contains("ingest worker 0 stopped"), "exit code " + rc + ":\n" + out);
                assertTrue(out.contains("ffmpeg: "), "FFmpeg's own output is routed through the log:\n" + out);
                assertFalse(out.contains(PASSWORD), "password in the ingest process's output:\n" + out);
                assertFalse(out.contains(TOKEN), "API token in the ingest process's output");
            }
            for (ConsumerRecord<String, byte[]> r : collector.records()) {
                assertFalse(r.key().contains(PASSWORD));
                assertFalse(new String(r.value(), StandardCharsets.ISO_8859_1).contains(PASSWORD));
                for (Header h : r.headers()) {
                    assertFalse(new String(h.value(), StandardCharsets.ISO_8859_1).contains(PASSWORD));
                }
            }
        }
    }

    /** The control: without MaskWatch's log routing, FFmpeg prints the credentials to stderr itself. */
    @Test
    void withoutRoutingFfmpegPrintsTheUrlWithItsPassword() throws Exception {
        try (MjpegServer mjpeg = new MjpegServer(320, 240, 10, "cam", PASSWORD);
             ChildJvm probe = new ChildJvm(RawFfmpegProbe.class,
                     List.of(mjpeg.url("/video.mjpg", "cam", PASSWORD)), Map.of())) {
            assertEquals(0, probe.waitFor(60), probe.output());
            assertTrue(probe.output().contains(PASSWORD), "expected FFmpeg's input dump with the URL:\n"
                    + probe.output());
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
