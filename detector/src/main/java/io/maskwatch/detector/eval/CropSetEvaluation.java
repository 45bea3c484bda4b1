package io.maskwatch.detector.eval;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.detector.mask.MaskLabeller;
import io.maskwatch.detector.mask.MaskLabeller.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The classifier alone on a folder of face crops ({@code mask/}, {@code no_mask/}, {@code incorrect/},
 * directly or under one split folder such as {@code test/}, as {@code ./maskwatch crops} writes them):
 * balanced accuracy with incorrect counted as no_mask, the 3-class confusion matrix, ms per face.
 */
public final class CropSetEvaluation {
    private CropSetEvaluation() {
    }

    /**
     * @param confusion rows true mask/no_mask/incorrect, columns predicted mask/no_mask/incorrect
     * @param classifyMs time in the classifier only (batches of {@code batch})
     */
    public record Report(Path dir, String model, List<FaceLabel> classifierLabels, int[][] confusion, double classifyMs,
                         int faces, int batch) {

        /** Mean of the recall on masked and on unmasked (no_mask + incorrect) faces; a prediction of incorrect is unmasked. */
        public double balancedAccuracy2() {
            int[][] c = confusion;
            int mask = c[0][0] + c[0][1] + c[0][2];
            int un = c[1][0] + c[1][1] + c[1][2] + c[2][0] + c[2][1] + c[2][2];
            double rMask = mask == 0 ? Double.NaN : (double) c[0][0] / mask;
            double rUn = un == 0 ? Double.NaN : (double) (c[1][1] + c[1][2] + c[2][1] + c[2][2]) / un;
            return mean(rMask, rUn);
        }

        /** Mean recall over the three true classes present. */
        public double balancedAccuracy3() {
            double[] r = new double[3];
            for (int t = 0; t < 3; t++) {
                int n = confusion[t][0] + confusion[t][1] + confusion[t][2];
                r[t] = n == 0 ? Double.NaN : (double) confusion[t][t] / n;
            }
            return mean(r);
        }

        public double msPerFace() {
            return faces == 0 ? 0 : classifyMs / faces;
        }

        public String format() {
            StringBuilder sb = new StringBuilder();
            sb.append(f("%d crops in %s, classifier %s (%s)%n", faces, dir, model,
                    classifierLabels.stream().map(FaceLabel::wireName).collect(Collectors.joining("/"))));
            sb.append(f("balanced accuracy 2-class (incorrect counted as no_mask) %.3f%n", balancedAccuracy2()));
            sb.append(f("balanced accuracy 3-class %.3f%s%n", balancedAccuracy3(),
                    classifierLabels.contains(FaceLabel.INCORRECT) ? "" : " (the classifier has no incorrect class)"));
            sb.append(f("confusion (rows true, columns predicted)%n  %-9s %6s %7s %9s %8s%n", "", "mask", "no_mask",
                    "incorrect", "recall"));
            for (FaceLabel t : FaceLabel.values()) {
                int[] row = confusion[t.ordinal()];
                int n = row[0] + row[1] + row[2];
                sb.append(f("  %-9s %6d %7d %9d %8s%n", t.wireName(), row[0], row[1], row[2],
                        n == 0 ? "n/a" : f("%.3f", (double) row[t.ordinal()] / n)));
            }
            sb.append(f("classifier: %.1f ms/face at batch %d (%.1f s for %d faces)%n", msPerFace(), batch,
                    classifyMs / 1000, faces));
            return sb.toString();
        }

        public String toJson() {
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = m.createObjectNode();
            root.put("dir", dir.toString()).put("model", model).put("faces", faces).put("batch", batch);
            var cl = root.putArray("classifier_classes");
            classifierLabels.forEach(l -> cl.add(l.wireName()));
            put(root, "balanced_accuracy_2class", balancedAccuracy2());
            put(root, "balanced_accuracy_3class", balancedAccuracy3());
            ObjectNode conf = root.putObject("confusion");
            for (FaceLabel t : FaceLabel.values()) {
                ObjectNode row = conf.putObject(t.wireName());
                for (FaceLabel p : FaceLabel.values()) {
                    row.put(p.wireName(), confusion[t.ordinal()][p.ordinal()]);
                }
            }
            root.put("ms_per_face", msPerFace());
            try {
                return m.writeValueAsString(root) + "\n";
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void put(ObjectNode n, String k, double v) {
            if (Double.isNaN(v)) {
                n.putNull(k);
            } else {
                n.put(k, v);
            }
        }
    }

    /** The folder that holds the class folders: {@code dir} itself or its single split folder. */
    public static Path classRoot(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("crop folder " + dir + " does not exist");
        }
        if (hasClassDirs(dir)) {
            return dir;
        }
        List<Path> splits;
        try (Stream<Path> s = Files.list(dir)) {
            splits = s.filter(Files::isDirectory).filter(CropSetEvaluation::hasClassDirs).sorted().toList();
        }
        if (splits.size() == 1) {
            return splits.get(0);
        }
        throw new IOException(splits.isEmpty()
                ? "crop folder " + dir + " must hold mask/, no_mask/ (and optionally incorrect/) folders of face images, "
                + "directly or under one split folder such as test/ (./maskwatch crops writes that layout)"
                : "crop folder " + dir + " holds several splits " + splits + "; pass one of them");
    }

    private static boolean hasClassDirs(Path d) {
        return Files.isDirectory(d.resolve("mask")) || Files.isDirectory(d.resolve("no_mask"))
                || Files.isDirectory(d.resolve("incorrect"));
    }

    public static Report run(Path dir, MaskLabeller labeller, int batch, PrintStream progress) throws IOException {
        Path root = classRoot(dir);
        List<Path> files = new ArrayList<>();
        List<FaceLabel> truth = new ArrayList<>();
        for (FaceLabel l : FaceLabel.values()) {
            Path d = root.resolve(l.wireName());
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.list(d)) {
                for (Path p : s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT)
                        .matches(".*\\.(jpe?g|png|bmp)$")).sorted().toList()) {
                    files.add(p);
                    truth.add(l);
                }
            }
        }
        if (files.isEmpty()) {
            throw new IOException("no face images (.jpg, .png, .bmp) under " + root + "/{mask,no_mask,incorrect}");
        }
        int[][] confusion = new int[3][3];
        long nanos = 0;
        for (int start = 0; start < files.size(); start += batch) {
            int end = Math.min(files.size(), start + batch);
            List<Mat> mats = new ArrayList<>();
            try {
                for (Path p : files.subList(start, end)) {
                    Mat m = imread(p.toString(), IMREAD_COLOR);
                    if (m == null || m.empty()) {
                        throw new IOException("cannot read image " + p + " (not an image, or damaged)");
                    }
                    mats.add(m);
                }
                long t0 = System.nanoTime();
                List<Verdict> vs = labeller.classify(mats, false);
                nanos += System.nanoTime() - t0;
                for (int i = 0; i < vs.size(); i++) {
                    confusion[truth.get(start + i).ordinal()][vs.get(i).label().ordinal()]++;
                }
            } finally {
                mats.forEach(Mat::close);
            }
            if (progress != null && (end % 320 < batch || end == files.size())) {
                progress.printf("eval --crops: %d/%d faces%n", end, files.size());
            }
        }
        return new Report(root, labeller.modelId(), labeller.labels(), confusion, nanos / 1e6, files.size(), batch);
    }

    private static double mean(double... xs) {
        double s = 0;
        int n = 0;
        for (double x : xs) {
            if (!Double.isNaN(x)) {
                s += x;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
