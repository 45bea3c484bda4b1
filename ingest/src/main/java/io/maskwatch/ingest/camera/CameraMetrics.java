package io.maskwatch.ingest.camera;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The meters of one camera, tagged {@code camera=<id>} (never the URL). Names are in docs/INGEST.md. */
public final class CameraMetrics {
    private final Counter grabbed;
    private final Counter sent;
    private final Counter decodeErrors;
    private final Counter reconnects;
    private final Counter bytesSent;
    private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
    private final AtomicInteger up = new AtomicInteger();
    private final Timer grabToSend;

    public CameraMetrics(MeterRegistry registry, String cameraId) {
        grabbed = Counter.builder("maskwatch.ingest.frames.grabbed").tag("camera", cameraId)
                .description("Video frames decoded from the camera (before sampling)").register(registry);
        sent = Counter.builder("maskwatch.ingest.frames.sent").tag("camera", cameraId)
                .description("Frames acknowledged by Kafka").register(registry);
        for (DropReason r : DropReason.values()) {
            dropped.put(r, Counter.builder("maskwatch.ingest.frames.dropped").tag("camera", cameraId)
                    .tag("reason", r.tag()).description("Sampled frames that never reached Kafka, by reason")
                    .register(registry));
        }
        decodeErrors = Counter.builder("maskwatch.ingest.decode.errors").tag("camera", cameraId)
                .description("Frames the decoder or JPEG encoder could not handle").register(registry);
        reconnects = Counter.builder("maskwatch.ingest.reconnects").tag("camera", cameraId)
                .description("Attempts to reopen the camera after a failure or stall").register(registry);
        bytesSent = Counter.builder("maskwatch.ingest.bytes.sent").tag("camera", cameraId)
                .description("JPEG bytes acknowledged by Kafka").register(registry);
        Gauge.builder("maskwatch.ingest.camera.up", up, AtomicInteger::get).tag("camera", cameraId)
                .description("1 while the camera delivers frames, else 0").register(registry);
        grabToSend = Timer.builder("maskwatch.ingest.grab.to.send").tag("camera", cameraId)
                .description("From grabbing a frame to Kafka's acknowledgement").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
    }

    public void grabbed() {
        grabbed.increment();
    }

    public void sent(int bytes, long grabNanos, long nowNanos) {
        sent.increment();
        bytesSent.increment(bytes);
        grabToSend.record(Math.max(0, nowNanos - grabNanos), TimeUnit.NANOSECONDS);
    }

    public void dropped(DropReason reason) {
        dropped.get(reason).increment();
    }

    public void decodeError() {
        decodeErrors.increment();
    }

    public void reconnect() {
        reconnects.increment();
    }

    public void up(boolean isUp) {
        up.set(isUp ? 1 : 0);
    }

    public boolean isUp() {
        return up.get() == 1;
    }

    public long grabbedCount() {
        return (long) grabbed.count();
    }

    public long sentCount() {
        return (long) sent.count();
    }

    public long droppedCount(DropReason reason) {
        return (long) dropped.get(reason).count();
    }

    public long decodeErrorCount() {
        return (long) decodeErrors.count();
    }

    public long reconnectCount() {
        return (long) reconnects.count();
    }

    public long bytesSentCount() {
        return (long) bytesSent.count();
    }
}
