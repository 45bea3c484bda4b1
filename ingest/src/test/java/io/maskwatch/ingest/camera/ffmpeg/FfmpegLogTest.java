package io.maskwatch.ingest.camera.ffmpeg;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_INFO;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_VERBOSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.maskwatch.ingest.camera.SecretScrubber;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class FfmpegLogTest {
    private static final String URL = "rtsp://admin:Tr0ub4dor@10.1.2.3/cam";
    private final FfmpegLog ffmpeg = FfmpegLog.get();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final AtomicInteger decodeErrors = new AtomicInteger();
    private final SecretScrubber scrubber = new SecretScrubber(URL);
    private Logger logger;

    private final FfmpegLog.CameraContext camera = new FfmpegLog.CameraContext() {
        @Override
        public String cameraId() {
            return "gate-" + System.identityHashCode(FfmpegLogTest.this); // a fresh rate limit per test
        }

        @Override
        public SecretScrubber scrubber() {
            return scrubber;
        }

        @Override
        public void decodeError(String line) {
            decodeErrors.incrementAndGet();
        }
    };

    @BeforeEach
    void capture() {
        ffmpeg.install("info");
        logger = (Logger) LoggerFactory.getLogger("io.maskwatch.ingest.ffmpeg");
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void restore() {
        logger.detachAppender(appender);
        ffmpeg.unbind();
        ffmpeg.unregister(scrubber);
        ffmpeg.install("error");
    }

    private List<String> lines() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aUrlSplitOverSeveralCallsIsReassembledAndScrubbed() {
        ffmpeg.bind(camera);
        ffmpeg.onMessage(AV_LOG_INFO, "Input #0, rtsp, from 'rtsp://admin:Tr0");
        ffmpeg.onMessage(AV_LOG_INFO, "ub4dor@10.1.2.3/cam':\n");
        assertEquals(1, lines().size());
        assertTrue(lines().get(0).contains("from 'rtsp://***@10.1.2.3/cam'"), lines().get(0));
        assertFalse(lines().toString().contains("Tr0ub4dor"));
    }

    @Test
    void linesFromFfmpegsOwnThreadsAreScrubbedWithEveryRegisteredCamera() {
        ffmpeg.register(scrubber);
        ffmpeg.onMessage(AV_LOG_ERROR, "[rtsp @ 0x1] DESCRIBE " + URL + " failed\n");
        assertFalse(lines().toString().contains("Tr0ub4dor"), lines().toString());
        assertTrue(lines().get(0).contains("camera -:"), lines().get(0));
    }

    @Test
    void decoderErrorsCountForTheCameraOtherErrorsDoNot() {
        ffmpeg.bind(camera);
        ffmpeg.onMessage(AV_LOG_ERROR, "[h264 @ 0x7f00] error while decoding MB 12 7, bytestream -5\n");
        ffmpeg.onMessage(AV_LOG_ERROR, "[mjpeg @ 0x7f01] dqt: len 25967 is too large\n");
        ffmpeg.onMessage(AV_LOG_ERROR, "[tcp @ 0x7f02] Connection to tcp://10.1.2.3:554 failed: Connection refused\n");
        ffmpeg.onMessage(AV_LOG_ERROR, "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x7f03] moov atom not found\n");
        assertEquals(2, decodeErrors.get());
    }

    @Test
    void levelAndRateAreLimited() {
        ffmpeg.bind(camera);
        ffmpeg.onMessage(AV_LOG_VERBOSE, "[rtsp @ 0x1] verbose chatter\n");
        assertTrue(lines().isEmpty(), "above the configured level");
        for (int i = 0; i < 50; i++) {
            ffmpeg.onMessage(AV_LOG_ERROR, "[h264 @ 0x1] broken slice " + i + "\n");
        }
        assertEquals(10, lines().size(), "at most 10 lines per camera per 10 s");
        assertEquals(50, decodeErrors.get(), "but every decode error is counted");
    }
}
