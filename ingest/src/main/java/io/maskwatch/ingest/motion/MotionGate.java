package io.maskwatch.ingest.motion;

import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.threshold;

import io.maskwatch.ingest.IngestSettings;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Skips frames that show no motion compared with the last frame sent, as Frigate does before running
 * its detector: both are shrunk to a small blurred grey thumbnail, and the frame counts as moving when
 * enough thumbnail pixels changed by more than a threshold. A heartbeat frame goes out regardless every
 * {@code heartbeatSeconds}, so downstream state (tracks ending, "camera alive") keeps flowing.
 * One instance per camera thread; not thread-safe.
 */
public final class MotionGate implements AutoCloseable {
    private final IngestSettings.Motion settings;
    private final long heartbeatNanos;
    private final Mat small = new Mat();
    private final Mat grey = new Mat();
    private final Mat reference = new Mat();
    private final Mat diff = new Mat();
    private long lastSentNanos = Long.MIN_VALUE;
    private double lastChangedRatio = Double.NaN;

    public MotionGate(IngestSettings.Motion settings) {
        this.settings = settings;
        this.heartbeatNanos = (long) (settings.heartbeatSeconds() * 1e9);
    }

    /**
     * @param bgr       the sampled frame
     * @param nowNanos  a monotonic time
     * @return true to send the frame (motion, heartbeat or first frame); the frame then becomes the reference
     */
    public boolean shouldSend(Mat bgr, long nowNanos) {
        int w = Math.min(settings.analysisWidth(), bgr.cols());
        int h = Math.max(1, (int) Math.round(bgr.rows() * (double) w / bgr.cols()));
        resize(bgr, small, new Size(w, h), 0, 0, INTER_AREA);
        cvtColor(small, grey, COLOR_BGR2GRAY);
        GaussianBlur(grey, grey, new Size(5, 5), 0);
        boolean send;
        if (reference.empty() || reference.cols() != grey.cols() || reference.rows() != grey.rows()) {
            send = true;
            lastChangedRatio = Double.NaN;
        } else {
            absdiff(grey, reference, diff);
            threshold(diff, diff, settings.pixelThreshold(), 255, THRESH_BINARY);
            lastChangedRatio = countNonZero(diff) / (double) (diff.cols() * diff.rows());
            send = lastChangedRatio >= settings.minChangedRatio() || nowNanos - lastSentNanos >= heartbeatNanos;
        }
        if (send) {
            grey.copyTo(reference);
            lastSentNanos = nowNanos;
        }
        return send;
    }

    /** Fraction of thumbnail pixels that changed in the last comparison (NaN when there was none). */
    public double lastChangedRatio() {
        return lastChangedRatio;
    }

    /** Forget the reference (after a reconnect the scene may have changed entirely). */
    public void reset() {
        reference.release();
        lastSentNanos = Long.MIN_VALUE;
    }

    @Override
    public void close() {
        small.close();
        grey.close();
        reference.close();
        diff.close();
    }
}
