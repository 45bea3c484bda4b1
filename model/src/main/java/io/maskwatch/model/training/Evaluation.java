package io.maskwatch.model.training;

import io.maskwatch.model.RgbImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Classification quality on a labelled set: accuracy, mean cross-entropy, per-class precision
 * and recall, confusion matrix (rows = true class, columns = predicted), accuracy per source set.
 */
public record Evaluation(List<String> classes, long[][] confusion, double loss, Map<String, Double> accuracyBySource) {
    private static final int BATCH = 64;

    /**
     * @param logits maps a batch of crops to one row of logits per crop
     */
    public static Evaluation run(Function<List<RgbImage>, float[][]> logits, List<RgbImage> images,
                                 List<FaceDataset.Sample> samples, List<String> classes) {
        int k = classes.size();
        long[][] confusion = new long[k][k];
        Map<String, long[]> bySource = new TreeMap<>();
        double lossSum = 0;
        for (int start = 0; start < images.size(); start += BATCH) {
            int end = Math.min(images.size(), start + BATCH);
            float[][] rows = logits.apply(images.subList(start, end));
            for (int i = 0; i < rows.length; i++) {
                FaceDataset.Sample s = samples.get(start + i);
                float[] l = rows[i];
                int best = 0;
                float max = l[0];
                for (int c = 1; c < k; c++) {
                    if (l[c] > max) {
                        max = l[c];
                        best = c;
                    }
                }
                double sum = 0;
                for (float v : l) {
                    sum += Math.exp(v - max);
                }
                lossSum += -(l[s.label()] - max - Math.log(sum));
                confusion[s.label()][best]++;
                long[] src = bySource.computeIfAbsent(s.source(), x -> new long[2]);
                src[0] += best == s.label() ? 1 : 0;
                src[1]++;
            }
        }
        Map<String, Double> acc = new TreeMap<>();
        bySource.forEach((src, v) -> acc.put(src, MaskTrainer.round((double) v[0] / v[1])));
        return new Evaluation(classes, confusion, images.isEmpty() ? Double.NaN : lossSum / images.size(), acc);
    }

    public long total() {
        long t = 0;
        for (long[] row : confusion) {
            for (long v : row) {
                t += v;
            }
        }
        return t;
    }

    public double accuracy() {
        long ok = 0;
        for (int i = 0; i < confusion.length; i++) {
            ok += confusion[i][i];
        }
        return total() == 0 ? Double.NaN : (double) ok / total();
    }

    public double precision(int c) {
        long col = 0;
        for (long[] row : confusion) {
            col += row[c];
        }
        return col == 0 ? Double.NaN : (double) confusion[c][c] / col;
    }

    public double recall(int c) {
        long row = 0;
        for (long v : confusion[c]) {
            row += v;
        }
        return row == 0 ? Double.NaN : (double) confusion[c][c] / row;
    }

    /** JSON-friendly summary for the model metadata. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("crops", total());
        m.put("accuracy", MaskTrainer.round(accuracy()));
        m.put("loss", MaskTrainer.round(loss));
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            perClass.put(classes.get(c), Map.of("precision", MaskTrainer.round(precision(c)),
                    "recall", MaskTrainer.round(recall(c))));
        }
        m.put("per_class", perClass);
        List<List<Long>> cm = new ArrayList<>();
        for (long[] row : confusion) {
            List<Long> r = new ArrayList<>();
            for (long v : row) {
                r.add(v);
            }
            cm.add(r);
        }
        m.put("confusion_matrix_rows_true_cols_predicted", cm);
        m.put("accuracy_by_source", accuracyBySource);
        return m;
    }

    /** Human-readable report for the terminal. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("accuracy %.4f on %d crops (loss %.4f), by source %s%n", accuracy(), total(), loss,
                accuracyBySource));
        for (int c = 0; c < classes.size(); c++) {
            b.append(String.format("  %-10s precision %.4f recall %.4f%n", classes.get(c), precision(c), recall(c)));
        }
        b.append("  confusion (rows true, columns predicted ").append(classes).append("):\n");
        for (int c = 0; c < classes.size(); c++) {
            b.append(String.format("  %-10s", classes.get(c)));
            for (long v : confusion[c]) {
                b.append(String.format(" %6d", v));
            }
            b.append('\n');
        }
        return b.toString();
    }
}
