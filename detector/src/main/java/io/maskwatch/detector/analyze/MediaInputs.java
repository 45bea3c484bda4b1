package io.maskwatch.detector.analyze;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/** Images, directories of images and video files as a stream of BGR frames. */
public final class MediaInputs {
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff");
    public static final Set<String> VIDEO_EXTENSIONS = Set.of("mp4", "m4v", "mov", "avi", "mkv", "webm", "mpg",
            "mpeg", "ts", "mjpeg", "mjpg", "flv", "wmv");

    static {
        // FFmpeg prints stream info for every file opened; keep stderr for real problems.
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
    }

    private MediaInputs() {
    }

    /**
     * One frame of an input.
     *
     * @param source      file name, or file#index for video frames
     * @param image       BGR frame, null when it could not be read
     * @param timestampMs video timestamp, -1 for still images
     * @param error       why the image could not be read, else null
     */
    public record Item(String source, Mat image, long timestampMs, String error) {
    }

    public static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    public static boolean isVideo(Path p) {
        return VIDEO_EXTENSIONS.contains(extension(p));
    }

    /** Image files of a directory (not recursive), sorted by name. */
    public static List<Path> imagesIn(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> IMAGE_EXTENSIONS.contains(extension(p))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads one still image; a non-image becomes an item with an error. */
    public static Item readImage(Path p) {
        Mat m = imread(p.toString(), IMREAD_COLOR);
        if (m == null || m.empty()) {
            return new Item(p.getFileName().toString(), null, -1,
                    "cannot read " + p.getFileName() + " as an image (missing, corrupt or unsupported format)");
        }
        return new Item(p.getFileName().toString(), m, -1, null);
    }

    /**
     * Decodes a video, passing every {@code every}-th frame (index from 0) to {@code sink}.
     * The sink owns the mat it receives.
     */
    public static void readVideo(Path video, int every, Consumer<Item> sink) throws IOException {
        String name = video.getFileName().toString();
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toFile());
             OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
            try {
                g.start();
            } catch (FrameGrabber.Exception e) {
                throw new IOException("cannot open video " + video + ": " + e.getMessage(), e);
            }
            long index = 0;
            Frame f;
            while ((f = g.grabImage()) != null) {
                if (index % every == 0) {
                    Mat m = conv.convert(f);
                    if (m != null && !m.empty()) {
                        sink.accept(new Item(name + "#" + index, m.clone(), g.getTimestamp() / 1000, null));
                    }
                }
                index++;
            }
            g.stop();
        }
    }
}
