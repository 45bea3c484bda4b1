package io.maskwatch.ingest;

import static io.maskwatch.ingest.RtspIngestIT.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.contract.FrameMetadata;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.ingest.camera.CameraWorker;
import io.maskwatch.ingest.testing.FrameCollector;
import io.maskwatch.ingest.testing.MjpegServer;
import io.maskwatch.ingest.testing.TestMedia;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.maskwatch.embeddedkafka.EmbeddedKafkaExtension;
import org.junit.jupiter.api.io.TempDir;

/** Local files (looping, at native rate or not) and MJPEG over HTTP into a real broker. */
class SourcesIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void filesPlayAtTheirNativeRateLoopOrEndAndMjpegStreams(@TempDir Path tmp) throws Exception {
        // a 2 s, 25 fps clip: short enough to see it loop and end within the test
        Path clip = TestMedia.generateClip(tmp, "two-seconds.mp4", 320, 240, 25, 2);
        try (MjpegServer mjpeg = new MjpegServer(320, 240, 10, null, null);
             FrameCollector collector = new FrameCollector(KAFKA.kafka())) {
            List<CameraConfig> cameras = List.of(
                    new CameraConfig("file-loop", null, clip.toString(), 5, 0, 85, true, "tcp", true),
                    new CameraConfig("file-once", null, "file://" + clip, 5, 0, 85, true, "tcp", false),
                    new CameraConfig("mjpeg", null, mjpeg.url("/video.mjpg", null, null), 5, 160, 70, true,
                            "tcp", false));
            PrometheusMeterRegistry registry = Metrics.newRegistry("ingest");
            IngestSettings settings = IngestSettings.defaults().withHttpPort(0).withReconnect(200, 2000, 3000);
            try (IngestService service = new IngestService(settings, cameras, KAFKA.kafka(), registry)) {
                service.start();
                assertTrue(collector.await("file-loop", 2, Duration.ofSeconds(60)), "file camera: "
                        + service.cameraStatuses());
                // Counts, not rates (a loaded machine is slower, never faster): wait for three loops.
                long t0 = System.currentTimeMillis();
                long grabbed0 = service.cameraStatuses().get(0).grabbed();
                assertTrue(collector.await("file-loop", 30, Duration.ofSeconds(90)), "three loops of the file: "
                        + service.cameraStatuses());
                assertTrue(collector.await("mjpeg", 10, Duration.ofSeconds(60)), "MJPEG frames: " + service.cameraStatuses());
                RtspIngestIT.awaitTrue(() -> service.cameraStatuses().get(1).state().equals("finished"),
                        Duration.ofSeconds(60), "the file without loop ends: " + service.cameraStatuses());
                long t1 = System.currentTimeMillis();
                Map<String, CameraWorker.Status> status = service.cameraStatuses().stream()
                        .collect(Collectors.toMap(CameraWorker.Status::id, Function.identity()));

                // Paced at the clip's 25 fps, sampled at 5 fps: never faster than that, whatever the load
                // (unpaced, 30 frames would take a fraction of a second).
                RtspIngestIT.assertAtMostRate(collector.records("file-loop"), 5);
                double grabbedPerSecond = (status.get("file-loop").grabbed() - grabbed0) / ((t1 - t0) / 1000.0);
                assertTrue(grabbedPerSecond < 32, "decoding paced at the clip's 25 fps, got " + grabbedPerSecond);
                // loop: a 2 s clip kept delivering for 6 s with one unbroken sequence
                List<FrameMetadata> loopFrames = metadata(collector.records("file-loop"));
                for (int i = 0; i < loopFrames.size(); i++) {
                    assertEquals(i, loopFrames.get(i).sequence());
                }
                assertEquals("streaming", status.get("file-loop").state());
                assertEquals(0, status.get("file-loop").reconnects(), "looping is not a reconnect");

                // without loop the file ends: sampled on the file's own timeline, 2 s at 5 fps is exactly
                // 10 frames whatever the load, then the camera is finished
                assertEquals("finished", status.get("file-once").state());
                int once = collector.records("file-once").size();
                assertEquals(10, once, "2 s at 5 fps; dropped "
                        + registry.get("maskwatch.ingest.frames.dropped").tag("camera", "file-once").counters().stream()
                        .map(c -> c.getId().getTag("reason") + "=" + c.count()).toList());
                assertEquals(0.0, registry.get("maskwatch.ingest.camera.up").tag("camera", "file-once").gauge()
                        .value());

                // MJPEG over HTTP, 10 fps sampled to 5 fps, scaled to max-width 160
                RtspIngestIT.assertAtMostRate(collector.records("mjpeg"), 5);
                for (ConsumerRecord<String, byte[]> r : collector.records("mjpeg")) {
                    FrameMetadata md = FrameMetadata.readFrom(r.topic(), r.headers());
                    BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.value()));
                    assertNotNull(img);
                    assertEquals(160, img.getWidth());
                    assertEquals(120, img.getHeight());
                    assertEquals(160, md.width());
                    assertEquals(120, md.height());
                }
            }
        }
    }

    @Test
    void filesCanBeReadFasterThanRealTime(@TempDir Path tmp) throws Exception {
        Path clip = TestMedia.generateClip(tmp, "fast.mp4", 160, 120, 25, 2);
        try (FrameCollector collector = new FrameCollector(KAFKA.kafka())) {
            List<CameraConfig> cameras = List.of(
                    new CameraConfig("file-fast", null, clip.toString(), 5, 0, 85, true, "tcp", true));
            IngestSettings settings = IngestSettings.defaults().withHttpPort(0).withFileRealtime(false);
            try (IngestService service = new IngestService(settings, cameras, KAFKA.kafka(), Metrics.newRegistry("ingest"))) {
                service.start();
                // sampled by the file's own timeline: 10 frames per 2 s loop, loops as fast as decoding goes
                assertTrue(collector.await("file-fast", 60, Duration.ofSeconds(30)),
                        "unpaced file should deliver far more than 5 fps: " + service.cameraStatuses());
                awaitTrue(() -> service.cameraStatuses().get(0).grabbed() > 300, Duration.ofSeconds(30),
                        "unpaced decoding");
            }
        }
    }

    private static List<FrameMetadata> metadata(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> FrameMetadata.readFrom(r.topic(), r.headers())).toList();
    }
}
