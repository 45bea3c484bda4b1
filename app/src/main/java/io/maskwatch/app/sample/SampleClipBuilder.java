package io.maskwatch.app.sample;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the demo's built-in sample camera: group photos with synthetic masks painted on some
 * faces, shown as a clip in which a virtual camera slowly pans and zooms across each photo
 * (motion for the tracker and motion gating). Every other face gets a mask, so the demo shows
 * both alerts and compliant people.
 */
public final class SampleClipBuilder {
    private static final Logger log = LoggerFactory.getLogger(SampleClipBuilder.class);

    private final LandmarkSource faces;
    private final int width;
    private final int height;
    private final double fps;
    private final double secondsPerPhoto;

    public SampleClipBuilder(LandmarkSource faces, int width, int height, double fps, double secondsPerPhoto) {
        this.faces = faces;
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.secondsPerPhoto = secondsPerPhoto;
    }

    /** Result: where the clip is and how many faces were masked / left bare. */
    public record Clip(Path file, int photos, int maskedFaces, int bareFaces) {
    }

    public static List<Path> photosIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("(?i).*\\.(jpe?g|png)"))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        }
    }

    public Clip build(List<Path> photos, Path out) throws IOException {
        if (photos.isEmpty()) {
            throw new IOException("no photos to build the sample camera from");
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Path tmp = out.resolveSibling(out.getFileName() + ".part.avi");
        // FFmpeg prints encoder chatter on stderr at its default level; the demo's terminal is for alerts.
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
        int masked = 0;
        int bare = 0;
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(tmp.toFile(), width, height, 0);
             OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
            rec.setFormat("avi");
            rec.setVideoCodec(avcodec.AV_CODEC_ID_MJPEG); // LGPL FFmpeg has no H.264 encoder; MJPEG is exact and cheap to decode
            rec.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P);
            rec.setVideoBitrate(12_000_000);
            rec.setFrameRate(fps);
            rec.start();
            int index = 0;
            for (Path photo : photos) {
                Mat img = imread(photo.toString());
                if (img == null || img.empty()) {
                    log.warn("skipping unreadable sample photo {}", photo.getFileName());
                    continue;
                }
                List<FaceLandmarks> found = new ArrayList<>(faces.find(img));
                found.sort(Comparator.comparingDouble(f -> f.box().x1()));
                for (int i = 0; i < found.size(); i++) {
                    if ((i + index) % 2 == 0) {
                        MaskPainter.paint(img, found.get(i), MaskPainter.Fit.PROPER,
                                MaskPainter.COLOURS.get((i + index) % MaskPainter.COLOURS.size()));
                        masked++;
                    } else {
                        bare++;
                    }
                }
                writePan(rec, conv, img, index);
                index++;
            }
            rec.stop();
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log.info("sample camera clip {}: {} photos, {} masked and {} bare faces", out, photos.size(), masked, bare);
        return new Clip(out, photos.size(), masked, bare);
    }

    /** A slow pan (alternating direction) with a gentle zoom-in over one photo. */
    private void writePan(FFmpegFrameRecorder rec, OpenCVFrameConverter.ToMat conv, Mat img, int index)
            throws FFmpegFrameRecorder.Exception {
        int frames = (int) Math.round(secondsPerPhoto * fps);
        double aspect = (double) width / height;
        Mat frame = new Mat();
        for (int f = 0; f < frames; f++) {
            double t = frames == 1 ? 0 : (double) f / (frames - 1);
            double zoom = 1.0 + 0.12 * t;
            int cw = (int) Math.min(img.cols() / zoom, img.rows() * aspect / zoom);
            int ch = (int) (cw / aspect);
            double along = index % 2 == 0 ? t : 1 - t;
            int x = (int) ((img.cols() - cw) * along);
            int y = (int) ((img.rows() - ch) * 0.3);
            Mat crop = new Mat(img, new Rect(x, y, cw, ch));
            resize(crop, frame, new Size(width, height));
            rec.record(conv.convert(frame));
        }
    }
}
