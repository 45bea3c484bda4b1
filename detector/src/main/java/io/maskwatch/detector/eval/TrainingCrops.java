package io.maskwatch.detector.eval;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.detector.eval.VocDataset.VocImage;
import io.maskwatch.detector.eval.VocDataset.VocObject;
import io.maskwatch.detector.face.DetectedFace;
import io.maskwatch.detector.frame.Jpeg;
import io.maskwatch.detector.mask.FaceCropper;
import io.maskwatch.detector.pipeline.FramePipeline;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Classifier training crops cut the way the pipeline serves faces: the pipeline's own face detector
 * and {@code FaceCropper} run on each VOC image, each detection is matched to a labelled face
 * (greedy by face score, IoU at least {@link #MATCH_IOU}), and the crop of the DETECTED box is
 * written under the labelled face's class. A labelled face the detector missed is cropped from its
 * annotated box instead (flagged {@code source=gt} in MANIFEST.tsv), so training still sees it.
 * Detections that match no labelled face are not written (they may be unlabelled faces).
 */
public final class TrainingCrops {
    /** Looser than eval's 0.5: detector boxes sit higher and taller than these annotations. */
    public static final double MATCH_IOU = 0.4;
    /** Longer side of a written crop: native resolution up to this, never scaled up. */
    public static final int MAX_SIDE = 256;
    private static final int JPEG_QUALITY = 95;

    /** What a run wrote. */
    public record Summary(int images, Map<FaceLabel, int[]> byLabel, int tooSmall, int ignored, double seconds) {
        /** {@code byLabel} values: [from detector, from gt]. */
        public String format() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d images, %.1f s%n", images, seconds));
            int det = 0, gt = 0;
            for (var e : byLabel.entrySet()) {
                int[] c = e.getValue();
                sb.append(String.format(Locale.ROOT, "  %-9s %5d crops (%d detector, %d gt)%n", e.getKey().wireName(),
                        c[0] + c[1], c[0], c[1]));
                det += c[0];
                gt += c[1];
            }
            sb.append(String.format(Locale.ROOT, "  total     %5d crops (%d detector, %d gt); skipped %d narrower than "
                    + "--min-size, %d difficult/ignored%n", det + gt, det, gt, tooSmall, ignored));
            return sb.toString();
        }
    }

    private final FramePipeline pipeline;
    private final VocLabels labels;
    private final double minSize;

    /**
     * @param pipeline detection pipeline (no classifier needed) configured as the service's
     * @param minSize  labelled faces narrower than this (pixels) are skipped
     */
    public TrainingCrops(FramePipeline pipeline, VocLabels labels, double minSize) {
        this.pipeline = pipeline;
        this.labels = labels;
        this.minSize = minSize;
    }

    /**
     * Writes {@code out/<split>/<label>/<image>_<object index>.jpg} and {@code out/<split>/MANIFEST.tsv}.
     *
     * @throws IOException when the set is unreadable, has unknown object names, or {@code out/<split>} is not empty
     */
    public Summary run(Path vocDir, Path out, String split, PrintStream progress) throws IOException {
        return run(VocDataset.read(vocDir), out, split, progress);
    }

    /** As {@link #run(Path, Path, String, PrintStream)} on a set already read. */
    public Summary run(List<VocImage> set, Path out, String split, PrintStream progress) throws IOException {
        check(set, labels, out, split);
        Path root = out.resolve(split);
        for (FaceLabel l : FaceLabel.values()) {
            Files.createDirectories(root.resolve(l.wireName()));
        }
        Map<FaceLabel, int[]> counts = new EnumMap<>(FaceLabel.class);
        for (FaceLabel l : FaceLabel.values()) {
            counts.put(l, new int[2]);
        }
        int tooSmall = 0, ignored = 0;
        long t0 = System.nanoTime();
        long lastReport = t0;
        try (BufferedWriter manifest = Files.newBufferedWriter(root.resolve("MANIFEST.tsv"), StandardCharsets.UTF_8)) {
            manifest.write("file\timage\tbox\tlabel\tsource\tiou\twidth\tgt_box\n");
            for (int n = 0; n < set.size(); n++) {
                VocImage vi = set.get(n);
                Mat frame = imread(vi.image().toString(), IMREAD_COLOR);
                if (frame == null || frame.empty()) {
                    throw new IOException("cannot read image " + vi.image());
                }
                try {
                    List<DetectedFace> faces = pipeline.detectFaces(List.of(frame)).get(0);
                    List<VocObject> objs = vi.objects();
                    List<Integer> wanted = new ArrayList<>();
                    for (int i = 0; i < objs.size(); i++) {
                        VocObject o = objs.get(i);
                        if (o.difficult() || labels.label(o.name()).isEmpty()) {
                            ignored++;
                        } else if (o.box().width() < minSize) {
                            tooSmall++;
                        } else {
                            wanted.add(i);
                        }
                    }
                    DetectedFace[] match = matchGreedy(faces, objs, wanted);
                    String stem = stem(vi.image());
                    for (int i : wanted) {
                        VocObject o = objs.get(i);
                        FaceLabel label = labels.label(o.name()).orElseThrow();
                        DetectedFace d = match[i];
                        Box box = d != null ? d.box() : o.box();
                        double iou = d != null ? d.box().iou(o.box()) : bestIou(faces, o.box());
                        String file = split + "/" + label.wireName() + "/" + stem + "_" + i + ".jpg";
                        try (Mat crop = pipeline.crop(frame, box); Mat small = FaceCropper.fitWithin(crop, MAX_SIDE)) {
                            Files.write(out.resolve(file), Jpeg.encode(small, JPEG_QUALITY));
                        }
                        counts.get(label)[d != null ? 0 : 1]++;
                        manifest.write(String.join("\t", file, vi.image().getFileName().toString(), boxText(box),
                                label.wireName(), d != null ? "detector" : "gt", String.format(Locale.ROOT, "%.3f", iou),
                                String.valueOf(Math.round(o.box().width())), boxText(o.box())));
                        manifest.write('\n');
                    }
                } finally {
                    frame.close();
                }
                long now = System.nanoTime();
                if (progress != null && (now - lastReport > 5_000_000_000L || n == set.size() - 1)) {
                    int total = counts.values().stream().mapToInt(c -> c[0] + c[1]).sum();
                    int gt = counts.values().stream().mapToInt(c -> c[1]).sum();
                    progress.printf(Locale.ROOT, "crops: %d/%d images, %d crops (%d from gt boxes), %.1f images/s%n",
                            n + 1, set.size(), total, gt, (n + 1) / ((now - t0) / 1e9));
                    lastReport = now;
                }
            }
        }
        return new Summary(set.size(), counts, tooSmall, ignored, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Fails before any work when the set has unknown object names or {@code out/<split>} is not empty.
     *
     * @throws IOException saying what is wrong
     */
    public static void check(List<VocImage> set, VocLabels labels, Path out, String split) throws IOException {
        labels.requireKnown(set);
        Path root = out.resolve(split);
        if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.list(root)) {
                if (s.findAny().isPresent()) {
                    throw new IOException(root + " is not empty: delete it or choose another --out / --split-name "
                            + "(crops of two runs must not mix)");
                }
            }
        }
    }

    /**
     * Each wanted labelled face gets at most one detection and vice versa: detections in descending
     * score order take the unmatched face they overlap most, if IoU >= {@link #MATCH_IOU}.
     */
    static DetectedFace[] matchGreedy(List<DetectedFace> faces, List<VocObject> objs, List<Integer> wanted) {
        DetectedFace[] match = new DetectedFace[objs.size()];
        List<DetectedFace> ranked = new ArrayList<>(faces);
        ranked.sort(Comparator.comparingDouble(DetectedFace::score).reversed());
        for (DetectedFace d : ranked) {
            int best = -1;
            double bestIou = MATCH_IOU;
            for (int i : wanted) {
                double iou = match[i] == null ? d.box().iou(objs.get(i).box()) : -1;
                if (iou >= bestIou) {
                    bestIou = iou;
                    best = i;
                }
            }
            if (best >= 0) {
                match[best] = d;
            }
        }
        return match;
    }

    private static double bestIou(List<DetectedFace> faces, Box b) {
        return faces.stream().mapToDouble(f -> f.box().iou(b)).max().orElse(0);
    }

    private static String boxText(Box b) {
        return String.format(Locale.ROOT, "%.0f,%.0f,%.0f,%.0f", b.x1(), b.y1(), b.x2(), b.y2());
    }

    private static String stem(Path image) {
        return image.getFileName().toString().replaceFirst("\\.[^.]+$", "").replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
