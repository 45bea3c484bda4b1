package io.maskwatch.detector.face;

import io.maskwatch.common.contract.Box;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Landmark-aware box correction: a linear model that predicts where an annotator would draw the box
 * from where the detector put it and where its five landmarks sit in it. Landmarks carry the pose
 * (a turned head moves the nose off the eyes' centre, a tilted one shortens eye-to-mouth), which a
 * fixed {@link BoxCalibration} cannot see.
 *
 * <p>Features ({@value #FEATURES}): 1, the landmarks' x as fractions of the box width (5), their y as
 * fractions of the box height (5), log(height / width). Targets (4): centre shift in box widths and
 * heights, log width and log height factors. Fitted by ridge regression on matched detector/annotation
 * pairs ({@code FaceRecallBench --fit-landmarks}); faces without 5 landmarks keep their box.
 *
 * @param weights {@value #FEATURES} rows (features) x 4 columns (targets)
 */
public record LandmarkBoxModel(double[][] weights) {
    public static final int FEATURES = 12;
    private static final int TARGETS = 4;

    public LandmarkBoxModel {
        if (weights.length != FEATURES) {
            throw new IllegalArgumentException("a landmark box model has " + FEATURES + " rows, got " + weights.length);
        }
        double[][] copy = new double[FEATURES][];
        for (int i = 0; i < FEATURES; i++) {
            if (weights[i].length != TARGETS) {
                throw new IllegalArgumentException("row " + (i + 1) + " of a landmark box model has " + weights[i].length
                        + " values, expected " + TARGETS);
            }
            copy[i] = weights[i].clone();
        }
        weights = copy;
    }

    /** The features of a face, or empty when it has no 5 landmarks or no area. */
    static Optional<double[]> features(DetectedFace f) {
        Box b = f.box();
        float[] lm = f.landmarks();
        if (lm.length != 10 || !(b.width() > 0 && b.height() > 0)) {
            return Optional.empty();
        }
        double[] x = new double[FEATURES];
        x[0] = 1;
        for (int k = 0; k < 5; k++) {
            x[1 + k] = (lm[2 * k] - b.x1()) / b.width();
            x[6 + k] = (lm[2 * k + 1] - b.y1()) / b.height();
        }
        x[11] = Math.log(b.height() / b.width());
        return Optional.of(x);
    }

    /** What the model is fitted to: the annotation relative to the detected box. */
    static double[] targets(Box detected, Box truth) {
        return new double[] {(truth.centerX() - detected.centerX()) / detected.width(),
                (truth.centerY() - detected.centerY()) / detected.height(),
                Math.log(truth.width() / detected.width()), Math.log(truth.height() / detected.height())};
    }

    /** The corrected box (not clamped), or the face's own box when it has no landmarks. */
    public Box apply(DetectedFace f) {
        Optional<double[]> x = features(f);
        if (x.isEmpty()) {
            return f.box();
        }
        double[] t = new double[TARGETS];
        for (int i = 0; i < FEATURES; i++) {
            for (int j = 0; j < TARGETS; j++) {
                t[j] += x.get()[i] * weights[i][j];
            }
        }
        Box b = f.box();
        double cx = b.centerX() + t[0] * b.width(), cy = b.centerY() + t[1] * b.height();
        double w = b.width() * Math.exp(t[2]), h = b.height() * Math.exp(t[3]);
        return new Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
    }

    /**
     * Ridge regression of the annotations on the detections' features (the intercept is not
     * penalised). Pairs whose detection has no landmarks are skipped.
     *
     * @throws IllegalArgumentException when fewer pairs than features have landmarks
     */
    public static LandmarkBoxModel fit(List<DetectedFace> detected, List<Box> truths, double lambda) {
        double[][] a = new double[FEATURES][FEATURES];
        double[][] b = new double[FEATURES][TARGETS];
        int n = 0;
        for (int p = 0; p < detected.size(); p++) {
            Optional<double[]> fx = features(detected.get(p));
            if (fx.isEmpty()) {
                continue;
            }
            double[] x = fx.get(), y = targets(detected.get(p).box(), truths.get(p));
            for (int i = 0; i < FEATURES; i++) {
                for (int j = 0; j < FEATURES; j++) {
                    a[i][j] += x[i] * x[j];
                }
                for (int j = 0; j < TARGETS; j++) {
                    b[i][j] += x[i] * y[j];
                }
            }
            n++;
        }
        if (n < FEATURES) {
            throw new IllegalArgumentException("fitting a landmark box model needs at least " + FEATURES
                    + " matched faces with landmarks, got " + n);
        }
        for (int i = 1; i < FEATURES; i++) {
            a[i][i] += lambda;
        }
        return new LandmarkBoxModel(solve(a, b));
    }

    /** Gauss-Jordan elimination with partial pivoting: A X = B for a small dense A. */
    static double[][] solve(double[][] a, double[][] b) {
        int n = a.length, m = b[0].length;
        double[][] aa = new double[n][], bb = new double[n][];
        for (int i = 0; i < n; i++) {
            aa[i] = a[i].clone();
            bb[i] = b[i].clone();
        }
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(aa[r][c]) > Math.abs(aa[piv][c])) {
                    piv = r;
                }
            }
            if (Math.abs(aa[piv][c]) < 1e-12) {
                throw new IllegalArgumentException("singular system: the features do not vary enough to fit");
            }
            double[] t = aa[c];
            aa[c] = aa[piv];
            aa[piv] = t;
            t = bb[c];
            bb[c] = bb[piv];
            bb[piv] = t;
            for (int r = 0; r < n; r++) {
                if (r == c) {
                    continue;
                }
                double k = aa[r][c] / aa[c][c];
                for (int j = c; j < n; j++) {
                    aa[r][j] -= k * aa[c][j];
                }
                for (int j = 0; j < m; j++) {
                    bb[r][j] -= k * bb[c][j];
                }
            }
        }
        double[][] x = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                x[i][j] = bb[i][j] / aa[i][i];
            }
        }
        return x;
    }

    /** Text form: {@code #} comment lines (provenance), then one row of 4 numbers per feature. */
    public String format(List<String> comments) {
        StringBuilder sb = new StringBuilder();
        comments.forEach(c -> sb.append("# ").append(c).append('\n'));
        for (double[] row : weights) {
            sb.append(String.format(Locale.ROOT, "%.6f %.6f %.6f %.6f%n", row[0], row[1], row[2], row[3]));
        }
        return sb.toString();
    }

    /** Reads the {@link #format text form}; {@code source} names it in errors. */
    public static LandmarkBoxModel read(InputStream in, String source) {
        List<double[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) {
                    continue;
                }
                String[] p = s.split("\\s+");
                double[] row = new double[p.length];
                for (int i = 0; i < p.length; i++) {
                    row[i] = Double.parseDouble(p[i]);
                }
                rows.add(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read landmark box model " + source, e);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("landmark box model " + source + ": not a number: " + e.getMessage(), e);
        }
        try {
            return new LandmarkBoxModel(rows.toArray(double[][]::new));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("landmark box model " + source + ": " + e.getMessage(), e);
        }
    }

    /** A model committed next to this class ({@code name}), e.g. a backend's fitted correction. */
    static LandmarkBoxModel resource(String name) {
        try (InputStream in = LandmarkBoxModel.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("landmark box model " + name + " is missing from the classpath");
            }
            return read(in, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The detector with this correction applied to the boxes of faces with landmarks (clamped to the frame). */
    public FaceDetector wrap(FaceDetector inner) {
        return new FaceDetector() {
            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public List<DetectedFace> detect(Mat bgr) {
                return inner.detect(bgr).stream()
                        .map(f -> new DetectedFace(apply(f), f.score(), f.landmarks()).clampedTo(bgr.cols(), bgr.rows()))
                        .toList();
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LandmarkBoxModel m && java.util.Arrays.deepEquals(weights, m.weights);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.deepHashCode(weights);
    }

    @Override
    public String toString() {
        return "LandmarkBoxModel" + java.util.Arrays.deepToString(weights);
    }
}
