package io.maskwatch.detector.face;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Fits a frame into a square model input keeping its aspect ratio: scale, then pad equally on
 * both sides of the shorter dimension. Maps model coordinates back to frame pixels.
 *
 * @param size   model input side
 * @param scale  model pixels per frame pixel
 * @param padX   left padding in model pixels
 * @param padY   top padding in model pixels
 * @param width  scaled frame width in model pixels (without padding)
 * @param height scaled frame height in model pixels
 */
public record Letterbox(int size, double scale, int padX, int padY, int width, int height) {

    public static Letterbox fit(int frameWidth, int frameHeight, int size) {
        if (frameWidth <= 0 || frameHeight <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + frameWidth + "x" + frameHeight);
        }
        double scale = (double) size / Math.max(frameWidth, frameHeight);
        int w = Math.max(1, Math.min(size, (int) Math.round(frameWidth * scale)));
        int h = Math.max(1, Math.min(size, (int) Math.round(frameHeight * scale)));
        return new Letterbox(size, scale, (size - w) / 2, (size - h) / 2, w, h);
    }

    /** Frame x of a model x given as a fraction of the input side. */
    public double frameX(double normalizedX) {
        return (normalizedX * size - padX) / scale;
    }

    public double frameY(double normalizedY) {
        return (normalizedY * size - padY) / scale;
    }

    /** Frame length of a model length given as a fraction of the input side. */
    public double frameLength(double normalized) {
        return normalized * size / scale;
    }

    /** The letterboxed {@code size x size} image of {@code src} (same type), padding black. */
    public Mat apply(Mat src) {
        Mat scaled = new Mat();
        // INTER_AREA when shrinking avoids the aliasing that hides small faces.
        resize(src, scaled, new Size(width, height), 0, 0, scale < 1 ? INTER_AREA : INTER_LINEAR);
        Mat out = new Mat();
        copyMakeBorder(scaled, out, padY, size - height - padY, padX, size - width - padX,
                BORDER_CONSTANT, new Scalar(0, 0, 0, 0));
        scaled.close();
        return out;
    }
}
