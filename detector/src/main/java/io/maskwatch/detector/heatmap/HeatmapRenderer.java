package io.maskwatch.detector.heatmap;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_imgproc.COLORMAP_JET;
import static org.bytedeco.opencv.global.opencv_imgproc.COLORMAP_TURBO;
import static org.bytedeco.opencv.global.opencv_imgproc.applyColorMap;

import io.maskwatch.detector.frame.Jpeg;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Class activation heat maps as people look at them: the classifier's map (values in [0,1] at
 * feature-map resolution) upsampled bilinearly to the face crop, colour-mapped and blended over
 * the crop, JPEG-encoded.
 */
public final class HeatmapRenderer {
    /** Colour maps offered; turbo is the perceptually better successor of jet. */
    public enum Colormap {
        TURBO(COLORMAP_TURBO), JET(COLORMAP_JET);

        final int cv;

        Colormap(int cv) {
            this.cv = cv;
        }
    }

    private final Colormap colormap;
    private final double alpha;
    private final int jpegQuality;

    /**
     * @param alpha weight of the colour map in the blend (0 = crop only, 1 = map only)
     */
    public HeatmapRenderer(Colormap colormap, double alpha, int jpegQuality) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0,1], got " + alpha);
        }
        this.colormap = colormap;
        this.alpha = alpha;
        this.jpegQuality = jpegQuality;
    }

    public static HeatmapRenderer defaults(int jpegQuality) {
        return new HeatmapRenderer(Colormap.TURBO, 0.45, jpegQuality);
    }

    /**
     * Bilinear upsampling with pixel centres aligned (like OpenCV's INTER_LINEAR and PyTorch's
     * align_corners=false): output pixel centre (x+0.5) maps to source (x+0.5)*sw/ow - 0.5, clamped.
     *
     * @param values row-major {@code w x h} map
     * @return row-major {@code ow x oh} map
     */
    public static float[] upsample(float[] values, int w, int h, int ow, int oh) {
        if (values.length != w * h) {
            throw new IllegalArgumentException("map has " + values.length + " values, expected " + w + "x" + h);
        }
        float[] out = new float[ow * oh];
        double sx = (double) w / ow, sy = (double) h / oh;
        for (int y = 0; y < oh; y++) {
            double fy = Math.max(0, Math.min(h - 1, (y + 0.5) * sy - 0.5));
            int y0 = (int) Math.floor(fy), y1 = Math.min(h - 1, y0 + 1);
            double ty = fy - y0;
            for (int x = 0; x < ow; x++) {
                double fx = Math.max(0, Math.min(w - 1, (x + 0.5) * sx - 0.5));
                int x0 = (int) Math.floor(fx), x1 = Math.min(w - 1, x0 + 1);
                double tx = fx - x0;
                double top = values[y0 * w + x0] * (1 - tx) + values[y0 * w + x1] * tx;
                double bottom = values[y1 * w + x0] * (1 - tx) + values[y1 * w + x1] * tx;
                out[y * ow + x] = (float) (top * (1 - ty) + bottom * ty);
            }
        }
        return out;
    }

    /** Colour-maps a [0,1] map (values outside are clamped) to a BGR image. */
    public Mat colorize(float[] values, int w, int h) {
        try (Mat gray = new Mat(h, w, CV_8UC1)) {
            byte[] px = new byte[w * h];
            for (int i = 0; i < px.length; i++) {
                float v = Float.isNaN(values[i]) ? 0 : Math.max(0, Math.min(1, values[i]));
                px[i] = (byte) Math.round(v * 255);
            }
            gray.data().put(px);
            Mat color = new Mat();
            applyColorMap(gray, color, colormap.cv);
            return color;
        }
    }

    /** The colour-mapped CAM blended over {@code cropBgr} (same size as the crop). */
    public Mat overlay(Mat cropBgr, float[] cam, int camWidth, int camHeight) {
        float[] up = upsample(cam, camWidth, camHeight, cropBgr.cols(), cropBgr.rows());
        try (Mat color = colorize(up, cropBgr.cols(), cropBgr.rows())) {
            Mat out = new Mat();
            addWeighted(cropBgr, 1 - alpha, color, alpha, 0, out);
            return out;
        }
    }

    /** {@link #overlay} as a JPEG. */
    public byte[] renderJpeg(Mat cropBgr, float[] cam, int camWidth, int camHeight) {
        try (Mat out = overlay(cropBgr, cam, camWidth, camHeight)) {
            return Jpeg.encode(out, jpegQuality);
        }
    }
}
