package io.maskwatch.detector.pipeline;

import io.maskwatch.common.contract.Face;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.TestMedia;
import io.maskwatch.detector.analyze.MediaInputs;
import io.maskwatch.detector.frame.Jpeg;
import io.maskwatch.detector.mask.MaskLabeller;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * Manual tool, not a test (no *Test name): detector CPU per frame with label reuse off, box-only
 * (max-change 0) and appearance-checked, A/B in one process. The four clips of ../shared/videos,
 * sampled at 2 fps, as four cameras; polls of 8 frames interleaved by camera as the service gets them.
 * {@code mvn -o -q -pl detector -am test -Dtest=LabelReuseCpuProbe -Dsurefire.failIfNoSpecifiedTests=false
 * [-Dprobe.backend=retinaface+ultraface] [-Dprobe.rounds=2] [-Dprobe.modes=off,box-only,appearance,gate] [-Dprobe.gate=8]}
 */
class LabelReuseCpuProbe {
    @Test
    void run() throws Exception {
        DetectorConfig c = TestMedia.config(System.getProperty("probe.backend", "retinaface+ultraface"));
        int rounds = Integer.getInteger("probe.rounds", 2);
        List<String> clips = List.of("four-people-masks-on-off", "one-man-no-mask", "one-person-mask", "putting-on-mask");
        List<List<byte[]>> perClip = new ArrayList<>();
        for (String clip : clips) {
            List<byte[]> fs = new ArrayList<>();
            MediaInputs.readVideo(TestMedia.video(clip), 12, item -> {
                try (Mat m = item.image()) {
                    fs.add(Jpeg.encode(m, 90));
                }
            });
            perClip.add(fs);
        }
        List<byte[]> frames = new ArrayList<>();
        List<String> cameras = new ArrayList<>();
        for (int i = 0; perClip.stream().anyMatch(fs -> !fs.isEmpty()); i++) {
            for (int k = 0; k < clips.size(); k++) {
                if (!perClip.get(k).isEmpty()) {
                    frames.add(perClip.get(k).remove(0));
                    cameras.add(clips.get(k));
                }
            }
        }
        MaskLabeller.applyThreads(c); // one OpenCV and one PyTorch thread, as the service runs them
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (FramePipeline p = FramePipeline.create(c, System.getenv(), MaskLabeller.load(TestMedia.classifierDir()), null)) {
            p.processEncoded(frames.subList(0, 8)); // warm-up
            List<Face> reference = null;
            for (int r = 0; r < rounds; r++) {
                for (String mode : System.getProperty("probe.modes", "off,box-only,appearance").split(",")) {
                    LabelReuse reuse = switch (mode) {
                        case "off" -> new LabelReuse(0, 0.5, 0.7);
                        case "box-only" -> new LabelReuse(4, 0.5, 0.7, 0);
                        case "gate" -> new LabelReuse(4, 0.5, 0.7, c.reclassifyMaxChange(), Double.parseDouble(System.getProperty("probe.gate", "8")));
                        default -> new LabelReuse(4, 0.5, 0.7, c.reclassifyMaxChange());
                    };
                    List<Face> faces = new ArrayList<>();
                    long cpu0 = os.getProcessCpuTime();
                    for (int i = 0; i < frames.size(); i += 8) {
                        int j = Math.min(frames.size(), i + 8);
                        for (FrameResult fr : p.processEncoded(frames.subList(i, j), cameras.subList(i, j), reuse)) {
                            faces.addAll(fr.faces());
                        }
                    }
                    long cpu = os.getProcessCpuTime() - cpu0;
                    if (reference == null) {
                        reference = faces;
                    }
                    int same = 0;
                    for (int k = 0; k < Math.min(faces.size(), reference.size()); k++) {
                        same += faces.get(k).label() == reference.get(k).label() ? 1 : 0;
                    }
                    long classified = reuse.enabled() ? reuse.classifiedCount() : faces.size();
                    System.out.printf(Locale.ROOT, "round %d %-10s frames %d faces %d classified %d changed %d gated %d cpu/frame %.1f ms labels equal to off %d/%d%n",
                            r + 1, mode, frames.size(), faces.size(), classified, reuse.changedCount(), reuse.gatedCount(), cpu / 1e6 / frames.size(),
                            same, reference.size());
                }
            }
        }
    }
}
