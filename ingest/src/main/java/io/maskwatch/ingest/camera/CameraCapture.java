package io.maskwatch.ingest.camera;

import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.contract.FrameMetadata;
import io.maskwatch.ingest.IngestSettings;
import io.maskwatch.ingest.frame.EncodedFrame;
import io.maskwatch.ingest.frame.FfmpegJpegEncoder;
import io.maskwatch.ingest.frame.FramePacer;
import io.maskwatch.ingest.frame.FrameSampler;
import io.maskwatch.ingest.frame.FrameSink;
import io.maskwatch.ingest.frame.JpegEncoder;
import io.maskwatch.ingest.motion.MotionGate;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture half of a camera: reads one opened {@link FrameSource} until it ends, samples frames to
 * the camera's rate, optionally gates on motion, scales, JPEG-encodes and hands them to the
 * {@link FrameSink} (which never blocks). It neither retries nor waits: how a connection ended goes
 * back to the {@link CameraWorker}, which supervises (reconnect, backoff, stall watchdog).
 *
 * <p>One per camera thread; holds that thread's native buffers until {@link #close()}.
 */
final class CameraCapture implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CameraCapture.class);

    /** What the capture tells its supervisor while it runs. */
    interface Events {
        /** About to open the source. */
        void connecting(long nowNanos);

        /** A grab returned (a frame or the end): the thread is not stuck. */
        void progress(long nowNanos);

        /** The first frame of this connection arrived. */
        void streaming(FrameSource source);

        /** For a capture nobody supervises (tests, tools): every event ignored. */
        Events NONE = new Events() {
            @Override
            public void connecting(long nowNanos) {
            }

            @Override
            public void progress(long nowNanos) {
            }

            @Override
            public void streaming(FrameSource source) {
            }
        };
    }

    /** How one connection ended. */
    enum Ending {
        /** Stopping, or superseded by a newer thread: do nothing more. */
        STOPPED,
        /** A file ended and loops: reopen at once. */
        REOPEN,
        /** A file ended for good. */
        FINISHED,
        /** Failed: see {@link Outcome#failure()}; reconnect after a backoff. */
        FAILED
    }

    /** @param failure why the stream failed, naming no secret; null unless {@link Ending#FAILED} */
    record Outcome(Ending ending, String failure, long frames) {
        static Outcome failed(String failure) {
            return new Outcome(Ending.FAILED, failure, 0);
        }
    }

    private final CameraConfig camera;
    private final IngestSettings settings;
    private final FrameSink sink;
    private final CameraMetrics metrics;
    private final SecretScrubber scrubber;
    private final AtomicLong sequence;
    private final Events events;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private final JpegEncoder encoder;
    /** Null when {@code jpeg-encoder: opencv}, or after it failed once (then OpenCV encodes). */
    private FfmpegJpegEncoder ffmpegEncoder;
    private final MotionGate gate;
    private final FrameSampler sampler;
    private final FramePacer pacer = new FramePacer(FramePacer.Clock.SYSTEM);

    /** @param sequence the camera's frame counter; it outlives a capture (reconnects keep numbering) */
    CameraCapture(CameraConfig camera, IngestSettings settings, FrameSink sink, CameraMetrics metrics,
                  SecretScrubber scrubber, AtomicLong sequence, Events events) {
        this.camera = camera;
        this.settings = settings;
        this.sink = sink;
        this.metrics = metrics;
        this.scrubber = scrubber;
        this.sequence = sequence;
        this.events = events;
        this.encoder = new JpegEncoder(camera.maxWidth(), camera.jpegQuality());
        this.ffmpegEncoder = settings.ffmpegJpeg() ? new FfmpegJpegEncoder(camera.maxWidth(), camera.jpegQuality()) : null;
        this.gate = settings.motion().enabled() ? new MotionGate(settings.motion()) : null;
        this.sampler = new FrameSampler(camera.fps());
    }

    /**
     * Opens {@code source} and streams from it until it ends, fails, or {@code current} turns false
     * (stopping, or abandoned by the watchdog).
     */
    Outcome stream(FrameSource source, BooleanSupplier current) throws SourceException, InterruptedException {
        events.connecting(System.nanoTime());
        source.open();
        if (!current.getAsBoolean()) {
            return new Outcome(Ending.STOPPED, null, 0);
        }
        boolean live = source.live();
        sampler.reset();
        pacer.reset();
        if (gate != null) {
            gate.reset();
        }
        long frames = 0;
        long lastT = Long.MIN_VALUE;
        long step = 0; // time between the last two frames
        while (current.getAsBoolean()) {
            // Only a frame the sampler may take is converted to BGR: predict its time from the last step.
            boolean image = lastT == Long.MIN_VALUE || step <= 0
                    || sampler.wouldAccept((live ? System.nanoTime() : lastT) + step + step / 2);
            Frame frame = source.grab(image);
            long now = System.nanoTime();
            long wallMs = System.currentTimeMillis();
            if (!current.getAsBoolean()) {
                break; // abandoned by the watchdog or stopping
            }
            events.progress(now);
            if (frame == null) {
                break;
            }
            metrics.grabbed();
            if (frames++ == 0) {
                events.streaming(source);
            }
            // A frame grabbed without its picture has no (or a stale) image: only its time counts.
            if (image && (frame.image == null || frame.imageWidth <= 0 || frame.imageHeight <= 0)) {
                metrics.decodeError();
                continue;
            }
            long t = live ? now : frame.timestamp * 1000L;
            if (lastT != Long.MIN_VALUE && t > lastT) {
                step = t - lastT;
            }
            lastT = t;
            if (!live && settings.fileRealtime()) {
                pacer.await(t);
            }
            if (!image) {
                // Not converted; if the sampler would have taken it (a late or jittery frame), it takes the next.
                continue;
            }
            if (!sampler.accept(t)) {
                continue;
            }
            try {
                encodeAndOffer(frame, now, wallMs);
            } catch (RuntimeException e) {
                metrics.decodeError();
                log.debug("camera {}: cannot encode frame: {}", camera.id(), scrubber.scrub(e.toString()));
            }
        }
        if (!current.getAsBoolean()) {
            return new Outcome(Ending.STOPPED, null, frames);
        }
        if (live) {
            return Outcome.failed(frames == 0
                    ? "the stream opened but delivered no frame within " + settings.stallTimeoutMs() + " ms"
                    : "the stream ended or stalled (no data for " + settings.stallTimeoutMs() + " ms)");
        }
        if (frames == 0) {
            return Outcome.failed("the file has no decodable video frames");
        }
        return new Outcome(camera.loop() ? Ending.REOPEN : Ending.FINISHED, null, frames);
    }

    private void encodeAndOffer(Frame frame, long grabNanos, long captureMs) {
        Mat bgr = converter.convert(frame);
        if (bgr == null || bgr.empty()) {
            metrics.decodeError();
            return;
        }
        if (gate != null && !gate.shouldSend(bgr, grabNanos)) {
            metrics.dropped(DropReason.NO_MOTION);
            return;
        }
        JpegEncoder.Jpeg jpeg = encode(bgr);
        FrameMetadata md = FrameMetadata.of(camera.id(), captureMs, sequence.getAndIncrement(), jpeg.width(),
                jpeg.height());
        sink.offer(new EncodedFrame(md, jpeg.bytes(), grabNanos));
    }

    private JpegEncoder.Jpeg encode(Mat bgr) {
        if (ffmpegEncoder != null) {
            try {
                return ffmpegEncoder.encode(bgr);
            } catch (RuntimeException e) {
                // Not expected (a missing encoder in an unusual FFmpeg build): the camera keeps going on OpenCV.
                log.warn("camera {}: FFmpeg's JPEG encoder failed ({}); using OpenCV's for this camera from now on",
                        camera.id(), scrubber.scrub(String.valueOf(e.getMessage())));
                ffmpegEncoder.close();
                ffmpegEncoder = null;
            }
        }
        return encoder.encode(encoder.scale(bgr));
    }

    @Override
    public void close() {
        converter.close();
        encoder.close();
        if (ffmpegEncoder != null) {
            ffmpegEncoder.close();
        }
        if (gate != null) {
            gate.close();
        }
    }
}
