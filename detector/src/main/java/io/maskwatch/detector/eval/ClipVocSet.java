package io.maskwatch.detector.eval;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.maskwatch.common.contract.Box;
import io.maskwatch.detector.analyze.MediaInputs;
import io.maskwatch.detector.eval.VocDataset.VocObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Builds PASCAL VOC evaluation sets from the clips in {@code ../shared/videos} and the hand-checked
 * ground truth in {@code clips-ground-truth.tsv} (every 25th frame; boxes checked by eye).
 *
 * <ul>
 *   <li>{@link #writeFrames}: the frames as they are (faces 80-370 px wide).</li>
 *   <li>{@link #writeSmallFaces}: camera-like 1280x720 scenes: regions around the faces of random
 *       ground-truth frames, scaled so faces are {@code minFace..maxFace} px wide, pasted four to a
 *       scene over a face-free frame. Boxes are transformed exactly, so no new labelling is needed.</li>
 * </ul>
 */
public final class ClipVocSet {
    public static final String RESOURCE = "/io/maskwatch/detector/eval/clips-ground-truth.tsv";
    public static final int STRIDE = 25;
    public static final List<String> CLIPS = List.of("four-people-masks-on-off", "one-man-no-mask", "one-person-mask",
            "putting-on-mask");

    /** A face of the ground truth; label mask, no_mask or ignore. */
    public record Labelled(Box box, String label) {
    }

    /** One ground-truth frame. */
    public record Frame(String clip, int index, Mat image, List<Labelled> faces) {
        public String name() {
            return String.format("%s_%04d", clip, index);
        }
    }

    private ClipVocSet() {
    }

    /** ../shared from -Dmaskwatch.shared.dir, env MASKWATCH_SHARED_DIR, or ../shared. */
    public static Path sharedDir() {
        String p = System.getProperty("maskwatch.shared.dir");
        if (p == null || p.isBlank()) {
            p = System.getenv("MASKWATCH_SHARED_DIR");
        }
        return Path.of(p == null || p.isBlank() ? "../shared" : p).toAbsolutePath().normalize();
    }

    /** Ground truth rows keyed by clip, then frame index (frames without faces have empty lists). */
    public static Map<String, Map<Integer, List<Labelled>>> groundTruth() {
        Map<String, Map<Integer, List<Labelled>>> out = new LinkedHashMap<>();
        try (InputStream in = ClipVocSet.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the build");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] t = line.split("\t");
                out.computeIfAbsent(t[0], k -> new HashMap<>()).computeIfAbsent(Integer.parseInt(t[1]), k -> new ArrayList<>())
                        .add(new Labelled(new Box(Double.parseDouble(t[2]), Double.parseDouble(t[3]),
                                Double.parseDouble(t[4]), Double.parseDouble(t[5])), t[6]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Decodes the ground-truth frames (every {@value #STRIDE}th) of the clips; {@code keepEvery}
     * thins them further (1 = all 47). The caller closes the images.
     */
    public static List<Frame> frames(Path shared, int keepEvery) throws IOException {
        Map<String, Map<Integer, List<Labelled>>> gt = groundTruth();
        List<Frame> out = new ArrayList<>();
        for (String clip : CLIPS) {
            Path video = shared.resolve("videos").resolve(clip + ".mp4");
            if (!Files.isRegularFile(video)) {
                throw new IOException("clip " + video + " is missing");
            }
            Map<Integer, List<Labelled>> rows = gt.getOrDefault(clip, Map.of());
            MediaInputs.readVideo(video, STRIDE, item -> {
                int index = Integer.parseInt(item.source().substring(item.source().lastIndexOf('#') + 1));
                if ((index / STRIDE) % keepEvery == 0) {
                    out.add(new Frame(clip, index, item.image(), List.copyOf(rows.getOrDefault(index, List.of()))));
                } else {
                    item.image().close();
                }
            });
        }
        return out;
    }

    /** Writes the frames as a VOC set: images/NAME.jpg (PNG-quality JPEG) and annotations/NAME.xml. */
    public static int writeFrames(List<Frame> frames, Path out) throws IOException {
        for (Frame f : frames) {
            write(out, f.name(), f.image(), f.faces());
        }
        return frames.size();
    }

    /**
     * Writes {@code scenes} 1280x720 scenes with four pasted face regions each, faces
     * {@code minFace..maxFace} px wide (uniform), reproducible from {@code seed}.
     */
    public static int writeSmallFaces(List<Frame> frames, Path out, int scenes, int minFace, int maxFace, long seed)
            throws IOException {
        Frame background = frames.stream().filter(f -> f.faces().isEmpty()).findFirst()
                .orElseThrow(() -> new IOException("no face-free frame for a background"));
        List<Frame> sources = frames.stream().filter(f -> f.faces().stream().anyMatch(l -> !l.label().equals("ignore")))
                .toList();
        Random rnd = new Random(seed);
        int w = 1280, h = 720, cw = w / 2, ch = h / 2;
        for (int s = 0; s < scenes; s++) {
            Mat scene = new Mat();
            resize(background.image(), scene, new Size(w, h), 0, 0, INTER_AREA);
            List<Labelled> faces = new ArrayList<>();
            for (int cell = 0; cell < 4; cell++) {
                Frame src = sources.get(rnd.nextInt(sources.size()));
                Rect region = regionAround(src);
                double median = medianWidth(src.faces());
                double target = minFace + rnd.nextDouble() * (maxFace - minFace);
                double scale = Math.min(target / median, Math.min((double) (cw - 8) / region.width(),
                        (double) (ch - 8) / region.height()));
                int rw = Math.max(1, (int) Math.round(region.width() * scale));
                int rh = Math.max(1, (int) Math.round(region.height() * scale));
                int ox = (cell % 2) * cw + rnd.nextInt(cw - rw + 1);
                int oy = (cell / 2) * ch + rnd.nextInt(ch - rh + 1);
                try (Mat part = new Mat(src.image(), region); Mat scaled = new Mat();
                     Mat dst = new Mat(scene, new Rect(ox, oy, rw, rh))) {
                    resize(part, scaled, new Size(rw, rh), 0, 0, INTER_AREA);
                    scaled.copyTo(dst);
                }
                double sx = (double) rw / region.width(), sy = (double) rh / region.height();
                for (Labelled l : src.faces()) {
                    Box b = l.box();
                    faces.add(new Labelled(new Box(ox + (b.x1() - region.x()) * sx, oy + (b.y1() - region.y()) * sy,
                            ox + (b.x2() - region.x()) * sx, oy + (b.y2() - region.y()) * sy), l.label()));
                }
            }
            write(out, String.format("scene_%03d", s), scene, faces);
            scene.close();
        }
        return scenes;
    }

    private static Rect regionAround(Frame f) {
        double x1 = Double.MAX_VALUE, y1 = Double.MAX_VALUE, x2 = 0, y2 = 0;
        for (Labelled l : f.faces()) {
            x1 = Math.min(x1, l.box().x1());
            y1 = Math.min(y1, l.box().y1());
            x2 = Math.max(x2, l.box().x2());
            y2 = Math.max(y2, l.box().y2());
        }
        double mx = (x2 - x1) * 0.3 + 20, my = (y2 - y1) * 0.3 + 20;
        int rx1 = (int) Math.max(0, x1 - mx), ry1 = (int) Math.max(0, y1 - my);
        int rx2 = (int) Math.min(f.image().cols(), x2 + mx), ry2 = (int) Math.min(f.image().rows(), y2 + my);
        return new Rect(rx1, ry1, rx2 - rx1, ry2 - ry1);
    }

    private static double medianWidth(List<Labelled> faces) {
        double[] ws = faces.stream().filter(l -> !l.label().equals("ignore")).mapToDouble(l -> l.box().width())
                .sorted().toArray();
        return ws[ws.length / 2];
    }

    private static void write(Path out, String name, Mat image, List<Labelled> faces) throws IOException {
        Path images = out.resolve("images");
        Path annotations = out.resolve("annotations");
        Files.createDirectories(images);
        Files.createDirectories(annotations);
        if (!imwrite(images.resolve(name + ".jpg").toString(), image, new int[] {
                org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY, 95})) {
            throw new IOException("cannot write " + images.resolve(name + ".jpg"));
        }
        List<VocObject> objects = new ArrayList<>();
        for (Labelled l : faces) {
            boolean ignore = l.label().equals("ignore");
            objects.add(new VocObject(ignore ? "no_mask" : l.label(), l.box(), ignore));
        }
        Files.writeString(annotations.resolve(name + ".xml"), VocDataset.toXml(name + ".jpg", image.cols(), image.rows(),
                objects));
    }

    /** Labels present in the ground truth (for documentation and sanity checks). */
    public static Set<String> labels() {
        Set<String> s = new TreeSet<>();
        groundTruth().values().forEach(m -> m.values().forEach(l -> l.forEach(x -> s.add(x.label()))));
        return s;
    }

    /** {@code ClipVocSet OUT_DIR [small-scenes] [min-face] [max-face]}: writes clips/ and small/ VOC sets. */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/clip-voc");
        int scenes = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int minFace = args.length > 2 ? Integer.parseInt(args[2]) : 24;
        int maxFace = args.length > 3 ? Integer.parseInt(args[3]) : 72;
        List<Frame> frames = frames(sharedDir(), 1);
        try {
            System.out.println("frames: " + writeFrames(frames, out.resolve("clips")) + " -> " + out.resolve("clips"));
            System.out.println("small-face scenes: " + writeSmallFaces(frames, out.resolve("small"), scenes, minFace,
                    maxFace, 42) + " -> " + out.resolve("small"));
        } finally {
            frames.forEach(f -> f.image().close());
        }
    }
}
