package io.maskwatch.app.sample;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import io.maskwatch.common.contract.Box;
import io.maskwatch.detector.eval.VocDataset;
import io.maskwatch.detector.face.BlazeFaceDetector;
import io.maskwatch.detector.mask.FaceCropper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Training crops with painted masks: each bare face is painted twice, once with a properly worn mask
 * (label {@code mask}) and once with the mask below the nose (label {@code incorrect}). Painting both
 * from the same faces keeps "painted" from being a cue for either class: only where the mask sits
 * tells them apart. Faces come from VOC scenes ({@code without_mask} boxes) and from bare-face crop
 * folders; keypoints from BlazeFace.
 */
public final class PaintedMaskCrops {
    private final BlazeFaceDetector faces;
    private final FaceCropper cropper = new FaceCropper(0.0);
    private final Random random;
    private final Path out;
    private int written;
    private int skipped;

    public PaintedMaskCrops(BlazeFaceDetector faces, Path out, long seed) {
        this.faces = faces;
        this.out = out;
        this.random = new Random(seed);
    }

    /** Bare faces of a VOC split (without_mask boxes at least {@code minSide} wide). */
    public void fromVoc(Path vocDir, int minSide, PrintStream progress) throws IOException {
        List<VocDataset.VocImage> images = VocDataset.read(vocDir);
        int n = 0;
        for (VocDataset.VocImage img : images) {
            n++;
            List<VocDataset.VocObject> bare = img.objects().stream()
                    .filter(o -> o.name().equals("without_mask") && o.box().width() >= minSide).toList();
            if (bare.isEmpty()) {
                continue;
            }
            Mat scene = imread(img.image().toString());
            if (scene == null || scene.empty()) {
                continue;
            }
            int i = 0;
            for (VocDataset.VocObject o : bare) {
                paintBoth(scene, o.box(), stem(img.image()) + "_" + i++);
            }
            scene.close();
            if (n % 100 == 0) {
                progress.printf("painted-crops: %d/%d scenes, %d crops written, %d faces without keypoints%n",
                        n, images.size(), written, skipped);
            }
        }
    }

    /** Bare-face crops (the whole image is the face, as in the crop data sets); at most {@code limit}. */
    public void fromCrops(Path dir, int limit, PrintStream progress) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = new ArrayList<>(s.filter(p -> p.toString().endsWith(".jpg")).sorted(Comparator.comparing(Path::toString)).toList());
        }
        java.util.Collections.shuffle(files, random);
        int n = 0;
        for (Path f : files.subList(0, Math.min(limit, files.size()))) {
            Mat crop = imread(f.toString());
            if (crop == null || crop.empty()) {
                continue;
            }
            // BlazeFace wants some context round a face; pad the tight crop, paint, then cut it back out.
            int pad = Math.max(crop.cols(), crop.rows()) / 2;
            Mat padded = new Mat();
            copyMakeBorder(crop, padded, pad, pad, pad, pad, BORDER_REPLICATE);
            Box box = new Box(pad, pad, pad + crop.cols(), pad + crop.rows());
            paintBoth(padded, box, "crop_" + stem(f));
            padded.close();
            crop.close();
            if (++n % 200 == 0) {
                progress.printf("painted-crops: %d crops read, %d written, %d without keypoints%n", n, written, skipped);
            }
        }
    }

    private void paintBoth(Mat image, Box gt, String name) {
        FaceLandmarks lm = keypoints(image, gt);
        if (lm == null) {
            skipped++;
            return;
        }
        Scalar colour = colour();
        for (MaskPainter.Fit fit : MaskPainter.Fit.values()) {
            Mat copy = image.clone();
            MaskPainter.paint(copy, lm, fit, colour);
            try (Mat crop = cropper.crop(copy, gt)) {
                String label = fit == MaskPainter.Fit.PROPER ? "mask" : "incorrect";
                Path dir = out.resolve("train").resolve(label);
                try {
                    Files.createDirectories(dir);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                imwrite(dir.resolve("painted_" + name + ".jpg").toString(), crop);
                written++;
            }
            copy.close();
        }
    }

    /** BlazeFace keypoints of the face in {@code gt}: run on a region round it and keep the best overlap. */
    private FaceLandmarks keypoints(Mat image, Box gt) {
        double side = Math.max(gt.width(), gt.height()) * 2.0;
        int x = (int) Math.max(0, gt.centerX() - side / 2), y = (int) Math.max(0, gt.centerY() - side / 2);
        int w = (int) Math.min(image.cols() - x, side), h = (int) Math.min(image.rows() - y, side);
        if (w < 16 || h < 16) {
            return null;
        }
        try (Mat region = new Mat(image, new Rect(x, y, w, h))) {
            List<FaceLandmarks> found = SampleCamera.landmarks(faces.detect(region));
            FaceLandmarks best = null;
            double bestIou = 0.3;
            for (FaceLandmarks f : found) {
                FaceLandmarks shifted = shift(f, x, y);
                double iou = shifted.box().iou(gt);
                if (iou > bestIou) {
                    bestIou = iou;
                    best = shifted;
                }
            }
            return best;
        }
    }

    private Scalar colour() {
        // The painter's three colours plus random light tints: real masks come in many colours.
        if (random.nextInt(4) < 3) {
            return MaskPainter.COLOURS.get(random.nextInt(MaskPainter.COLOURS.size()));
        }
        return new Scalar(80 + random.nextInt(176), 80 + random.nextInt(176), 80 + random.nextInt(176), 0);
    }

    private static FaceLandmarks shift(FaceLandmarks f, double dx, double dy) {
        Box b = f.box();
        return new FaceLandmarks(new Box(b.x1() + dx, b.y1() + dy, b.x2() + dx, b.y2() + dy),
                move(f.rightEye(), dx, dy), move(f.leftEye(), dx, dy), move(f.noseTip(), dx, dy),
                move(f.mouth(), dx, dy), move(f.rightEar(), dx, dy), move(f.leftEar(), dx, dy));
    }

    private static FaceLandmarks.Point move(FaceLandmarks.Point p, double dx, double dy) {
        return new FaceLandmarks.Point(p.x() + dx, p.y() + dy);
    }

    private static String stem(Path p) {
        String s = p.getFileName().toString();
        int dot = s.lastIndexOf('.');
        return dot < 0 ? s : s.substring(0, dot);
    }

    public int written() {
        return written;
    }

    public int skipped() {
        return skipped;
    }
}
