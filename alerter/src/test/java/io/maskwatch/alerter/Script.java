package io.maskwatch.alerter;

import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.Face;
import io.maskwatch.common.contract.FaceLabel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/** Scripted detections: what a detector would send for people walking past a camera. */
public final class Script {
    /** A minute boundary, so window arithmetic in tests is readable. */
    public static final long T0 = 1_700_000_040_000L;

    private Script() {
    }

    public static Face face(double cx, double cy, double size, double pNoMask) {
        return face(cx, cy, size, pNoMask, ("crop@" + cx + "," + cy + "," + size + "," + pNoMask).getBytes(StandardCharsets.UTF_8));
    }

    public static Face face(double cx, double cy, double size, double pNoMask, byte[] crop) {
        double p = Math.max(0, Math.min(1, pNoMask));
        FaceLabel label = p >= 0.5 ? FaceLabel.NO_MASK : FaceLabel.MASK;
        byte[] heat = crop == null ? null : ("heat:" + new String(crop, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        // Schema 2: score is the joint P(face) x P(label | face).
        return new Face(new Box(cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2), 0.95, label,
                0.95 * Math.max(p, 1 - p), Map.of("mask", 1 - p, "no_mask", p), crop, heat);
    }

    /** A face from a 3-class model; the label is the most probable class. */
    public static Face face3(double cx, double cy, double size, double faceScore, double pMask, double pNoMask,
                             double pIncorrect) {
        FaceLabel label = pIncorrect >= pMask && pIncorrect >= pNoMask ? FaceLabel.INCORRECT
                : pNoMask >= pMask ? FaceLabel.NO_MASK : FaceLabel.MASK;
        double p = Math.max(pIncorrect, Math.max(pMask, pNoMask));
        byte[] crop = ("crop3@" + cx + "," + cy + "," + pIncorrect).getBytes(StandardCharsets.UTF_8);
        return new Face(new Box(cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2), faceScore, label,
                faceScore * p, Map.of("mask", pMask, "no_mask", pNoMask, "incorrect", pIncorrect), crop, null);
    }

    /** A clearly detected face wearing the mask below the nose (P(incorrect | face) = p, the rest masked). */
    public static Face incorrect(double cx, double cy, double size, double p) {
        return face3(cx, cy, size, 0.95, 1 - p, 0, p);
    }

    public static DetectionEvent frame(String camera, long ts, Face... faces) {
        return DetectionEvent.of(camera, ts - T0, ts, ts + 50, 1280, 720, "test", "mask-classifier@test",
                Arrays.asList(faces));
    }

    /** Frames every {@code stepMs} from {@code from} for {@code count} frames, faces given per timestamp. */
    public static List<DetectionEvent> frames(String camera, long from, long stepMs, int count,
                                              LongFunction<List<Face>> facesAt) {
        List<DetectionEvent> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long ts = from + i * stepMs;
            out.add(DetectionEvent.of(camera, ts - T0, ts, ts + 50, 1280, 720, "test", "mask-classifier@test",
                    facesAt.apply(ts)));
        }
        return out;
    }

    /** A person walking horizontally from x0 to x1 during the frames, at height y. */
    public static List<DetectionEvent> walk(String camera, long from, long stepMs, int count, double x0, double x1,
                                            double y, double size, double pNoMask) {
        return frames(camera, from, stepMs, count, ts -> {
            double f = count == 1 ? 0 : (double) (ts - from) / (stepMs * (count - 1));
            return List.of(face(x0 + (x1 - x0) * f, y, size, pNoMask));
        });
    }
}
