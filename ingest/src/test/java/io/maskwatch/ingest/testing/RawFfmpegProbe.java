package io.maskwatch.ingest.testing;

import org.bytedeco.javacv.FFmpegFrameGrabber;

/**
 * Opens a URL with JavaCV and FFmpeg's default logging, as code that does not route FFmpeg's log
 * would: the control case showing that FFmpeg itself prints the URL (credentials included) to stderr.
 */
public final class RawFfmpegProbe {
    private RawFfmpegProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(args[0])) {
            g.setOption("rw_timeout", "5000000");
            g.start();
            for (int i = 0; i < 3; i++) {
                g.grabImage();
            }
        }
        System.exit(0);
    }
}
