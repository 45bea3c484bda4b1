package io.maskwatch.app.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * A camera's low-resolution substream, made from a clip: the same pictures re-encoded at 640x360
 * H.264 (I/P, GOP 50 = 2 s at 25 fps, ~0.8 Mbit/s, as IP cameras' second streams are typically set),
 * at the clip's frame rate. For `bench --substream`, so that what `substream-url` costs can be
 * measured from the 720p clips alone.
 */
public final class SubstreamClip {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 360;

    private SubstreamClip() {
    }

    /** Writes the substream of {@code clip} into {@code dir} (once per run) and returns its path. */
    public static Path of(Path clip, Path dir, PrintStream progress) throws IOException {
        Path out = dir.resolve(clip.getFileName().toString().replaceFirst("\\.[^.]+$", "") + "-640x360.mp4");
        if (Files.isRegularFile(out)) {
            return out;
        }
        Files.createDirectories(dir);
        progress.printf("bench: re-encoding %s at %dx%d as a substream -> %s%n", clip.getFileName(), WIDTH, HEIGHT, out);
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(clip.toFile())) {
            grabber.setImageWidth(WIDTH);
            grabber.setImageHeight(HEIGHT);
            grabber.start();
            try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(out.toFile(), WIDTH, HEIGHT, 0)) {
                recorder.setFormat("mp4");
                recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
                recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                recorder.setFrameRate(grabber.getFrameRate());
                recorder.setGopSize(50);
                recorder.setVideoBitrate(800_000);
                recorder.start();
                Frame f;
                while ((f = grabber.grabImage()) != null) {
                    recorder.record(f);
                }
            }
        } catch (FFmpegFrameGrabber.Exception | FFmpegFrameRecorder.Exception e) {
            Files.deleteIfExists(out);
            throw new IOException("cannot make a " + WIDTH + "x" + HEIGHT + " substream of " + clip + ": " + e.getMessage(), e);
        }
        return out;
    }
}
