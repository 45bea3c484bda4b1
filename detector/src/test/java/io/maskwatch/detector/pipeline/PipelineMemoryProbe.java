package io.maskwatch.detector.pipeline;

import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.TestMedia;
import io.maskwatch.detector.analyze.MediaInputs;
import io.maskwatch.detector.frame.Jpeg;
import io.maskwatch.detector.mask.MaskLabeller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * Manual tool, not a test (no *Test name, so the build never runs it): the detector's per-frame path
 * in a loop, printing resident memory, to tell a native leak from memory glibc keeps.
 * {@code mvn -o -q -pl detector -am test -Dtest=PipelineMemoryProbe -Dsurefire.failIfNoSpecifiedTests=false
 * -Dprobe.minutes=3 -Dprobe.mode=full|nocam|detect}
 */
class PipelineMemoryProbe {
    @Test
    void run() throws Exception {
        double minutes = Double.parseDouble(System.getProperty("probe.minutes", "3"));
        String mode = System.getProperty("probe.mode", "full");
        DetectorConfig c = TestMedia.config(System.getProperty("probe.backend", "blazeface"));
        if (mode.equals("nocam")) {
            c = c.with("heatmaps", "none");
        }
        List<byte[]> frames = new ArrayList<>();
        for (String clip : List.of("one-man-no-mask", "four-people-masks-on-off")) {
            MediaInputs.readVideo(TestMedia.video(clip), 15, item -> {
                try (Mat m = item.image(); Mat small = new Mat()) {
                    double s = 640.0 / m.cols();
                    org.bytedeco.opencv.global.opencv_imgproc.resize(m, small,
                            new org.bytedeco.opencv.opencv_core.Size(640, (int) Math.round(m.rows() * s)));
                    frames.add(Jpeg.encode(small, 85));
                }
            });
        }
        System.out.println("probe: mode " + mode + ", " + frames.size() + " frames, GLIBC_TUNABLES="
                + System.getenv("GLIBC_TUNABLES"));
        DetectorConfig cfg = c;
        try (FramePipeline p = mode.equals("detect") ? FramePipeline.forDetection(cfg, System.getenv())
                : FramePipeline.create(cfg, System.getenv(), MaskLabeller.load(TestMedia.classifierDir()), null)) {
            long start = System.nanoTime();
            long next = start;
            long n = 0;
            int i = 0;
            while (System.nanoTime() - start < minutes * 60e9) {
                List<byte[]> batch = new ArrayList<>();
                for (int k = 0; k < 4; k++) {
                    batch.add(frames.get(i++ % frames.size()));
                }
                if (mode.equals("detect")) {
                    List<Mat> ms = new ArrayList<>();
                    for (byte[] b : batch) {
                        ms.add(Jpeg.decode(b));
                    }
                    p.detectFaces(ms);
                    ms.forEach(Mat::close);
                } else {
                    p.processEncoded(batch);
                }
                n += batch.size();
                if (System.nanoTime() >= next) {
                    System.out.printf("probe: t=%.0fs frames=%d rss=%s heap=%dMB%n", (System.nanoTime() - start) / 1e9, n,
                            rss(), (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
                    next += 15_000_000_000L;
                }
            }
            System.out.printf("probe: end frames=%d rss=%s%n", n, rss());
        }
    }

    private static String rss() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .findFirst().orElse("?").replaceAll("\\D+", "") + "kB";
    }
}
