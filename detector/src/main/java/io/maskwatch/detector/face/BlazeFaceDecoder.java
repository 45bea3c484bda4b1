package io.maskwatch.detector.face;

import io.maskwatch.common.contract.Box;
import java.util.ArrayList;
import java.util.List;

/**
 * Post-processing of MediaPipe BlazeFace outputs: anchors, box decoding, thresholding and
 * weighted NMS. Pure Java so it can be tested without a network.
 *
 * <p>Both published models (front 128, back 256) have two heads: a 16x16 grid with 2 anchors per
 * cell (512 anchors) and an 8x8 grid with 6 anchors per cell (384). Anchors have unit size and sit
 * at cell centres; per anchor the box tensor holds 16 values: centre offset (x, y) and size (w, h)
 * in input pixels, then 6 key points (x, y) as offsets from the anchor centre (right eye, left
 * eye, nose, mouth, right ear, left ear). Scores are logits.
 */
public final class BlazeFaceDecoder {
    public static final int VALUES_PER_ANCHOR = 16;
    public static final int KEYPOINTS = 6;
    /** MediaPipe's overlap threshold for blending detections. */
    public static final double NMS_IOU = 0.3;

    private final int inputSize;

    public BlazeFaceDecoder(int inputSize) {
        this.inputSize = inputSize;
    }

    /** Grid side and anchors per cell of a head with {@code anchorCount} anchors. */
    public static int[] gridOf(int anchorCount) {
        return switch (anchorCount) {
            case 512 -> new int[] {16, 2};
            case 384 -> new int[] {8, 6};
            default -> throw new IllegalArgumentException("unexpected BlazeFace head with " + anchorCount
                    + " anchors; expected 512 (16x16x2) or 384 (8x8x6) - is this a MediaPipe BlazeFace model?");
        };
    }

    /**
     * Decodes one head.
     *
     * @param scores    logits, one per anchor
     * @param boxes     16 values per anchor
     * @param threshold minimum sigmoid score
     * @return candidates in normalized model coordinates ([0,1] of the input side), before NMS
     */
    public List<DetectedFace> decodeHead(float[] scores, float[] boxes, double threshold) {
        int n = scores.length;
        if (boxes.length != n * VALUES_PER_ANCHOR) {
            throw new IllegalArgumentException("box tensor has " + boxes.length + " values for " + n
                    + " anchors; expected " + (n * VALUES_PER_ANCHOR));
        }
        int[] grid = gridOf(n);
        int cells = grid[0], perCell = grid[1];
        // Thresholding on logits avoids an exp() per anchor.
        double logitThreshold = Math.log(threshold / (1 - threshold));
        List<DetectedFace> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (scores[i] < logitThreshold) {
                continue;
            }
            int cell = i / perCell;
            double ax = (cell % cells + 0.5) / cells;
            double ay = (cell / cells + 0.5) / cells;
            int b = i * VALUES_PER_ANCHOR;
            double cx = ax + boxes[b] / inputSize;
            double cy = ay + boxes[b + 1] / inputSize;
            double w = boxes[b + 2] / inputSize;
            double h = boxes[b + 3] / inputSize;
            if (!(w > 0 && h > 0)) {
                continue;
            }
            float[] lm = new float[KEYPOINTS * 2];
            for (int k = 0; k < KEYPOINTS; k++) {
                lm[2 * k] = (float) (ax + boxes[b + 4 + 2 * k] / inputSize);
                lm[2 * k + 1] = (float) (ay + boxes[b + 5 + 2 * k] / inputSize);
            }
            float score = (float) (1 / (1 + Math.exp(-Math.max(-80, Math.min(80, scores[i])))));
            out.add(new DetectedFace(new Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), score, lm));
        }
        return out;
    }

    /**
     * BlazeFace's square box spans brows to chin; res10, YuNet and the usual face-mask annotations
     * span hairline to chin. Extending the top by 23% and narrowing the sides by 2.5% (means measured
     * against YuNet on the clips in ../shared/videos, docs/DETECTOR.md) makes boxes, crops and
     * IoU-based evaluation comparable across backends.
     */
    public static Box conventionalBox(Box b) {
        double w = b.width(), h = b.height();
        return new Box(b.x1() + 0.025 * w, b.y1() - 0.23 * h, b.x2() - 0.025 * w, b.y2());
    }

    /**
     * Maps normalized detections back to frame pixels through the letterbox (after
     * {@link #conventionalBox}), clamped to the frame.
     */
    public static List<DetectedFace> toFrame(List<DetectedFace> normalized, Letterbox lb, int frameWidth, int frameHeight) {
        List<DetectedFace> out = new ArrayList<>(normalized.size());
        for (DetectedFace f : normalized) {
            Box b = conventionalBox(f.box());
            float[] lm = new float[f.landmarks().length];
            for (int i = 0; i + 1 < lm.length; i += 2) {
                lm[i] = (float) lb.frameX(f.landmarks()[i]);
                lm[i + 1] = (float) lb.frameY(f.landmarks()[i + 1]);
            }
            DetectedFace mapped = new DetectedFace(new Box(lb.frameX(b.x1()), lb.frameY(b.y1()),
                    lb.frameX(b.x2()), lb.frameY(b.y2())), f.score(), lm);
            out.add(mapped.clampedTo(frameWidth, frameHeight));
        }
        return out;
    }
}
