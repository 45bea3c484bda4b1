package io.maskwatch.ingest.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Test clips and tools: ../shared videos when present, otherwise clips generated with GStreamer. */
public final class TestMedia {
    private TestMedia() {
    }

    public static Optional<Path> sharedDir() {
        String p = System.getProperty("maskwatch.shared.dir");
        if (p == null || p.isBlank()) {
            p = System.getenv("MASKWATCH_SHARED_DIR");
        }
        if (p == null || p.isBlank()) {
            return Optional.empty();
        }
        Path dir = Path.of(p);
        return Files.isDirectory(dir) ? Optional.of(dir.toAbsolutePath().normalize()) : Optional.empty();
    }

    /** A clip from ../shared/videos, if that directory is present. */
    public static Optional<Path> sharedClip(String name) {
        return sharedDir().map(d -> d.resolve("videos").resolve(name)).filter(Files::isRegularFile);
    }

    /** True when gst-launch-1.0 with x264enc can make clips. */
    public static boolean gstreamerAvailable() {
        try {
            Process p = new ProcessBuilder("gst-inspect-1.0", "x264enc").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Generates an H.264 MP4 (moving ball) with GStreamer, or skips the test when GStreamer is missing. */
    public static Path generateClip(Path dir, String name, int width, int height, int fps, int seconds)
            throws IOException, InterruptedException {
        assumeTrue(gstreamerAvailable(), "GStreamer (gst-launch-1.0, x264enc) is not installed; "
                + "install gstreamer1.0-tools and gstreamer1.0-plugins-ugly (see .ci/run)");
        Path out = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("gst-launch-1.0", "-q",
                "videotestsrc", "num-buffers=" + fps * seconds, "pattern=ball", "!",
                "video/x-raw,width=" + width + ",height=" + height + ",framerate=" + fps + "/1", "!",
                "x264enc", "speed-preset=ultrafast", "key-int-max=" + fps, "!", "mp4mux", "!",
                "filesink", "location=" + out));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.isRegularFile(out)) {
            throw new IOException("gst-launch-1.0 could not generate " + out + ": " + output);
        }
        return out;
    }

    /** The shared clip if present, else a generated clip of the given size (25 fps, 6 s). */
    public static Path clip(Path tmp, String sharedName, int width, int height) throws Exception {
        Optional<Path> shared = sharedClip(sharedName);
        if (shared.isPresent()) {
            return shared.get();
        }
        return generateClip(tmp, "generated-" + width + "x" + height + ".mp4", width, height, 25, 6);
    }
}
