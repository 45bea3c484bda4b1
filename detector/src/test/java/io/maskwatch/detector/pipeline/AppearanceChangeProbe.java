package io.maskwatch.detector.pipeline;

import io.maskwatch.common.contract.Face;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.TestMedia;
import io.maskwatch.detector.analyze.MediaInputs;
import io.maskwatch.detector.mask.MaskLabeller;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * Manual tool, not a test (no *Test name): how much a face's thumbnail ({@link FaceThumbnail})
 * changes between two samples of the clips in ../shared/videos when the classifier's label stayed
 * the same vs when it changed; the data behind {@code reclassify-max-change}.
 * {@code mvn -o -q -pl detector -am test -Dtest=AppearanceChangeProbe -Dsurefire.failIfNoSpecifiedTests=false
 * [-Dprobe.backend=retinaface+ultraface] [-Dprobe.every=6] [-Dprobe.lags=6]}
 */
class AppearanceChangeProbe {
    private record Seen(Face face, FaceThumbnail thumb) {
    }

    private record Pair(String clip, int from, int lag, boolean changed, double whole, double lower, String labels) {
    }

    @Test
    void run() throws Exception {
        DetectorConfig c = TestMedia.config(System.getProperty("probe.backend", "retinaface+ultraface"));
        int every = Integer.getInteger("probe.every", 6);
        int lags = Integer.getInteger("probe.lags", 6);
        List<Pair> pairs = new ArrayList<>();
        try (FramePipeline p = FramePipeline.create(c, System.getenv(), MaskLabeller.load(TestMedia.classifierDir()), null)) {
            for (String clip : List.of("four-people-masks-on-off", "one-man-no-mask", "one-person-mask", "putting-on-mask")) {
                List<List<Seen>> frames = new ArrayList<>();
                MediaInputs.readVideo(TestMedia.video(clip), every, item -> {
                    try (Mat m = item.image()) {
                        List<Seen> seen = new ArrayList<>();
                        for (Face f : p.processDecoded(List.of(m)).get(0).faces()) {
                            seen.add(new Seen(f, FaceThumbnail.of(m, f.box())));
                        }
                        frames.add(seen);
                    }
                });
                for (int i = 0; i < frames.size(); i++) {
                    for (int lag = 1; lag <= lags && i + lag < frames.size(); lag++) {
                        for (Seen a : frames.get(i)) {
                            if (a.face().score() < 0.7) {
                                continue; // only sure labels are ever reused
                            }
                            Seen best = null;
                            double bestIou = 0.5;
                            for (Seen b : frames.get(i + lag)) {
                                double iou = a.face().box().iou(b.face().box());
                                if (iou >= bestIou) {
                                    bestIou = iou;
                                    best = b;
                                }
                            }
                            if (best != null && a.thumb() != null && best.thumb() != null) {
                                pairs.add(new Pair(clip, i, lag, a.face().label() != best.face().label(),
                                        a.thumb().change(best.thumb()), a.thumb().lowerChange(best.thumb()),
                                        a.face().label().wireName() + "->" + best.face().label().wireName()));
                            }
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "%s: %d samples%n", clip, frames.size());
            }
        }
        for (String measure : List.of("whole", "lower")) {
            List<Double> same = new ArrayList<>(), changed = new ArrayList<>();
            for (Pair q : pairs) {
                (q.changed() ? changed : same).add(measure.equals("whole") ? q.whole() : q.lower());
            }
            same.sort(null);
            changed.sort(null);
            System.out.printf(Locale.ROOT, "%s: same-label n=%d p10/p50/p90/p99/max %s | changed n=%d min/p10/p50/p90 %s%n",
                    measure, same.size(), pct(same, 0.1, 0.5, 0.9, 0.99, 1.0), changed.size(), pct(changed, 0.0, 0.1, 0.5, 0.9));
            for (double t = 0.2; t <= 1.01; t += 0.05) {
                final double th = t;
                long sameOver = same.stream().filter(d -> d > th).count();
                long changedOver = changed.stream().filter(d -> d > th).count();
                System.out.printf(Locale.ROOT, "  %s > %.2f: re-classifies %d/%d same-label pairs (%.0f%%), catches %d/%d changed (%.0f%%)%n",
                        measure, t, sameOver, same.size(), 100.0 * sameOver / Math.max(1, same.size()), changedOver, changed.size(),
                        100.0 * changedOver / Math.max(1, changed.size()));
            }
        }
        for (Pair q : pairs) {
            if (q.changed()) {
                System.out.printf(Locale.ROOT, "changed %s sample %d +%d %s whole %.3f lower %.3f%n",
                        q.clip(), q.from(), q.lag(), q.labels(), q.whole(), q.lower());
            }
        }
    }

    private static String pct(List<Double> xs, double... qs) {
        StringBuilder sb = new StringBuilder();
        for (double q : qs) {
            sb.append(xs.isEmpty() ? "-" : String.format(Locale.ROOT, "%.3f", xs.get((int) Math.min(xs.size() - 1, Math.floor(q * xs.size()))))).append(' ');
        }
        return sb.toString().trim();
    }
}
