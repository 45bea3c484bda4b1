package io.maskwatch.detector.pipeline;

import io.maskwatch.common.contract.Face;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.detector.DetectorConfig;
import io.maskwatch.detector.DetectorConfig.FaceCropPolicy;
import io.maskwatch.detector.DetectorConfig.HeatmapPolicy;
import io.maskwatch.detector.face.DetectedFace;
import io.maskwatch.detector.face.FaceBackends;
import io.maskwatch.detector.face.FaceDetector;
import io.maskwatch.detector.frame.FrameDecodingException;
import io.maskwatch.detector.frame.Jpeg;
import io.maskwatch.detector.heatmap.HeatmapRenderer;
import io.maskwatch.detector.mask.FaceConfidence;
import io.maskwatch.detector.mask.FaceCropper;
import io.maskwatch.detector.mask.MaskLabeller;
import io.maskwatch.detector.mask.MaskLabeller.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Frames to labelled faces: decode, detect (frames in parallel on {@code threads} detectors),
 * crop, classify the batch's faces (forward passes of at most {@link #MAX_CLASSIFIER_BATCH}), render crop
 * and heat map JPEGs.
 * Used by the service, {@code analyze}, {@code eval} and the benchmark.
 *
 * <p>Not for concurrent {@code process} calls: one caller (the consumer loop) feeds it batches
 * ({@link #detectDecoded} and {@link #classify} may run at once; {@code detectDecoded} also from several
 * threads, its frames queueing for the shared detectors).
 */
public final class FramePipeline implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FramePipeline.class);
    /**
     * Faces per classifier forward pass. PyTorch's activations grow with the batch (8 crowded frames
     * gave ~100 faces, RSS 2.8 GB after 200 photos), and the process keeps its peak: chunks of 4 kept it at 0.67 GB, at
     * about the same CPU time (docs/BENCHMARKS.md).
     */
    static final int MAX_CLASSIFIER_BATCH = 4;
    private final DetectorConfig config;
    private final List<FaceDetector> detectors;
    private final BlockingQueue<FaceDetector> idle;
    /** The classifier, possibly still loading on another thread (null: detection only); see {@link #labeller()}. */
    private final java.util.function.Supplier<MaskLabeller> labellerSource;
    private MaskLabeller labeller;
    private final ExecutorService pool;
    private final FaceCropper cropper;
    private final HeatmapRenderer renderer;
    private final HeatmapPolicy heatmapPolicy;
    private final FaceCropPolicy faceCropPolicy;
    private final StageListener listener;
    private boolean closed;

    /**
     * @param labeller owned: closed with the pipeline; null for a detection-only pipeline
     */
    public FramePipeline(DetectorConfig config, List<FaceDetector> detectors, MaskLabeller labeller,
                         StageListener listener) {
        this(config, detectors, labeller == null ? null : () -> labeller, listener);
    }

    private FramePipeline(DetectorConfig config, List<FaceDetector> detectors,
                          java.util.function.Supplier<MaskLabeller> labeller, StageListener listener) {
        this.config = config;
        this.detectors = List.copyOf(detectors);
        this.idle = new ArrayBlockingQueue<>(Math.max(1, detectors.size()), false, detectors);
        this.labellerSource = labeller;
        AtomicInteger n = new AtomicInteger();
        this.pool = detectors.size() <= 1 ? null : Executors.newFixedThreadPool(detectors.size(), r -> {
            Thread t = new Thread(r, "detector-inference-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.cropper = new FaceCropper(config.cropMargin());
        this.renderer = HeatmapRenderer.defaults(config.jpegQuality());
        this.heatmapPolicy = config.heatmapPolicy();
        this.faceCropPolicy = config.faceCropPolicy();
        this.listener = listener == null ? StageListener.NONE : listener;
    }

    /** A pipeline with {@code config.threads()} detectors of the configured backend. */
    public static FramePipeline create(DetectorConfig config, Map<String, String> env, MaskLabeller labeller,
                                       StageListener listener) {
        DetectorConfig resolved = chooseBackend(config, env);
        return new FramePipeline(resolved, openDetectors(resolved, env), labeller, listener);
    }

    /**
     * As {@link #create}, for a caller that loads the classifier on another thread meanwhile: the
     * pipeline can detect at once; {@code labeller} is awaited at the first classification (or at
     * close, to close it), and a failure to load it is thrown there (start-up of {@code analyze}).
     */
    public static FramePipeline createWhileLoading(DetectorConfig config, Map<String, String> env,
                                                   java.util.function.Supplier<MaskLabeller> labeller,
                                                   StageListener listener) {
        DetectorConfig resolved = chooseBackend(config, env);
        return new FramePipeline(resolved, openDetectors(resolved, env), labeller, listener);
    }

    /** The classifier, waiting for it if it is still loading; null for a detection-only pipeline. */
    private synchronized MaskLabeller labeller() {
        if (labeller == null && labellerSource != null) {
            labeller = labellerSource.get();
        }
        return labeller;
    }

    /**
     * A pipeline without a classifier: {@link #detectFaces} and {@link #crop} only, exactly as the
     * full pipeline detects and crops (cutting training crops the way faces are served).
     */
    public static FramePipeline forDetection(DetectorConfig config, Map<String, String> env) {
        DetectorConfig resolved = chooseBackend(config, env);
        return new FramePipeline(resolved, openDetectors(resolved, env), (MaskLabeller) null, null);
    }

    /** One detector per inference thread; all closed again if one cannot be opened. */
    private static List<FaceDetector> openDetectors(DetectorConfig config, Map<String, String> env) {
        List<FaceDetector> ds = new ArrayList<>();
        try {
            for (int i = 0; i < config.threads(); i++) {
                ds.add(FaceBackends.create(config, env));
            }
        } catch (RuntimeException e) {
            ds.forEach(FaceDetector::close);
            throw e;
        }
        return ds;
    }

    /** The config with its backend resolved (auto = best installed), files checked; logs the choice once per pipeline. */
    private static DetectorConfig chooseBackend(DetectorConfig config, Map<String, String> env) {
        FaceBackends.Choice choice = FaceBackends.resolve(config, env);
        FaceBackends.check(choice.config(), env);
        if (choice.betterMissing().isEmpty()) {
            LOG.info(choice.describe());
        } else {
            LOG.warn(choice.describe());
        }
        return choice.config();
    }

    /** A pipeline that only classifies whole images ({@link #classifyCrops}); it has no face detector. */
    public static FramePipeline forCrops(DetectorConfig config, MaskLabeller labeller) {
        return new FramePipeline(config, List.of(), labeller, null);
    }

    public String detectorName() {
        return detectors.isEmpty() ? "none" : detectors.get(0).name();
    }

    public String modelId() {
        return labellerSource == null ? "none" : labeller().modelId();
    }

    /** The classifier's labels in output order (empty without a classifier). */
    public List<io.maskwatch.common.contract.FaceLabel> classifierLabels() {
        return labellerSource == null ? List.of() : labeller().labels();
    }

    /** Decoded BGR frames in (left open), the detected faces of each: the detect step alone. */
    public List<List<DetectedFace>> detectFaces(List<Mat> frames) {
        List<Callable<List<DetectedFace>>> tasks = new ArrayList<>(frames.size());
        for (Mat m : frames) {
            tasks.add(() -> detect(m, false).faces());
        }
        return runAll(tasks);
    }

    /** The classifier's crop of a face box (the same crop {@code process} classifies); a new mat. */
    public Mat crop(Mat frame, io.maskwatch.common.contract.Box box) {
        return cropper.crop(frame, box);
    }

    /** Encoded frames (JPEG) in, one result per frame; undecodable frames get an error result. */
    public List<FrameResult> processEncoded(List<byte[]> frames) {
        return finish(detectEncoded(frames));
    }

    private List<Detected> detectEncoded(List<byte[]> frames) {
        List<Callable<Detected>> tasks = new ArrayList<>(frames.size());
        for (byte[] jpeg : frames) {
            tasks.add(() -> {
                long t0 = System.nanoTime();
                Mat m;
                try {
                    m = Jpeg.decode(jpeg);
                } catch (FrameDecodingException e) {
                    return new Detected(null, List.of(), e.getMessage(), true);
                }
                listener.record(Stage.DECODE, System.nanoTime() - t0, 1);
                return detect(m, true);
            });
        }
        return runAll(tasks);
    }

    /**
     * As {@link #processEncoded(List)}, with the camera of each frame: faces that continue a confidently
     * classified face of the camera's previous frame keep its label ({@link LabelReuse}, owned by the
     * caller, which drops the state of cameras it no longer consumes).
     */
    public List<FrameResult> processEncoded(List<byte[]> frames, List<String> cameras, LabelReuse reuse) {
        if (cameras.size() != frames.size()) {
            throw new IllegalArgumentException(frames.size() + " frames but " + cameras.size() + " cameras");
        }
        if (reuse == null || !reuse.enabled()) {
            return processEncoded(frames);
        }
        return finish(reuse.gatesMotion() ? detectEncodedGated(frames, cameras, reuse) : detectEncoded(frames), cameras, reuse);
    }

    /**
     * Decode and detect one frame after another (a frame compares with its camera's previous one): a
     * frame that barely differs from the camera's last detected frame keeps its face boxes (motion gate).
     */
    private List<Detected> detectEncodedGated(List<byte[]> frames, List<String> cameras, LabelReuse reuse) {
        List<Detected> out = new ArrayList<>(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            long t0 = System.nanoTime();
            Mat m;
            try {
                m = Jpeg.decode(frames.get(i));
            } catch (FrameDecodingException e) {
                out.add(new Detected(null, List.of(), e.getMessage(), true));
                continue;
            }
            listener.record(Stage.DECODE, System.nanoTime() - t0, 1);
            float[] thumb = FrameThumbnail.of(m);
            List<DetectedFace> still = reuse.still(cameras.get(i), thumb);
            if (still != null) {
                out.add(new Detected(m, still, null, true));
                continue;
            }
            try {
                Detected d = detect(m, true);
                reuse.detected(cameras.get(i), thumb, d.faces());
                out.add(d);
            } catch (InterruptedException e) {
                m.close();
                out.forEach(d -> {
                    if (d.frame() != null) {
                        d.frame().close();
                    }
                });
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return out;
    }

    /** Decoded BGR frames in (left open for the caller), one result per frame. */
    public List<FrameResult> processDecoded(List<Mat> frames) {
        List<Callable<Detected>> tasks = new ArrayList<>(frames.size());
        for (Mat m : frames) {
            tasks.add(() -> detect(m, false));
        }
        return finish(runAll(tasks));
    }

    /**
     * The detect half of {@link #processDecoded}: frames (left open for the caller) to their faces.
     * With {@link #classify} it lets a caller overlap detecting one batch with classifying the
     * previous one; one thread may detect while another classifies, each one batch at a time.
     */
    public DetectedBatch detectDecoded(List<Mat> frames) {
        List<Callable<Detected>> tasks = new ArrayList<>(frames.size());
        for (Mat m : frames) {
            tasks.add(() -> detect(m, false));
        }
        return new DetectedBatch(runAll(tasks));
    }

    /** The classify half of {@link #processDecoded}: one result per frame of the batch. */
    public List<FrameResult> classify(DetectedBatch batch) {
        return finish(batch.detected);
    }

    /** Frames with their detected faces, waiting for {@link #classify}. */
    public static final class DetectedBatch {
        private final List<Detected> detected;

        private DetectedBatch(List<Detected> detected) {
            this.detected = detected;
        }
    }

    /** Classifies whole images as faces (for inputs that are already face crops); no detection. */
    public List<FrameResult> classifyCrops(List<Mat> crops) {
        List<Detected> ds = new ArrayList<>();
        for (Mat c : crops) {
            ds.add(new Detected(c, List.of(new DetectedFace(new io.maskwatch.common.contract.Box(0, 0, c.cols(), c.rows()),
                    1f, null)), null, false));
        }
        return finish(ds, true);
    }

    private record Detected(Mat frame, List<DetectedFace> faces, String error, boolean ownsFrame) {
    }

    private Detected detect(Mat frame, boolean owns) throws InterruptedException {
        if (detectors.isEmpty()) {
            throw new IllegalStateException("this pipeline has no face detector (crops only)");
        }
        FaceDetector d = idle.take();
        try {
            long t0 = System.nanoTime();
            List<DetectedFace> faces = d.detect(frame);
            listener.record(Stage.DETECT, System.nanoTime() - t0, 1);
            return new Detected(frame, faces, null, owns);
        } finally {
            idle.put(d);
        }
    }

    private List<FrameResult> finish(List<Detected> detected) {
        return finish(detected, false);
    }

    private List<FrameResult> finish(List<Detected> detected, boolean wholeImageCrops) {
        try {
            return results(detected, labelFaces(detected, wholeImageCrops));
        } finally {
            closeOwned(detected);
        }
    }

    /**
     * Like {@link #finish} but a face that continues a confidently classified face of its camera's
     * previous frame keeps that label ({@link LabelReuse}) instead of being classified. Frames of one
     * camera are taken in order: the batch is labelled in waves (the 1st frame of every camera, then
     * the 2nd, ...), so a frame sees the labels of the one before it, and faces of different cameras
     * still share classifier passes.
     */
    private List<FrameResult> finish(List<Detected> detected, List<String> cameras, LabelReuse reuse) {
        try {
            List<List<Face>> faces = new ArrayList<>(java.util.Collections.nCopies(detected.size(), List.<Face>of()));
            Map<String, Integer> framesOf = new java.util.HashMap<>();
            int[] wave = new int[detected.size()];
            int waves = 0;
            for (int i = 0; i < detected.size(); i++) {
                wave[i] = framesOf.merge(cameras.get(i), 1, Integer::sum) - 1;
                waves = Math.max(waves, wave[i] + 1);
            }
            for (int w = 0; w < waves; w++) {
                List<Integer> mine = new ArrayList<>();
                List<List<LabelReuse.Track>> matches = new ArrayList<>();
                List<List<FaceThumbnail>> thumbsOf = new ArrayList<>();
                List<Detected> toLabel = new ArrayList<>();
                for (int i = 0; i < detected.size(); i++) {
                    Detected d = detected.get(i);
                    if (wave[i] != w || d.error() != null) {
                        continue;
                    }
                    List<FaceThumbnail> thumbs = null;
                    if (reuse.checksAppearance()) {
                        thumbs = new ArrayList<>(d.faces().size());
                        for (DetectedFace f : d.faces()) {
                            thumbs.add(FaceThumbnail.of(d.frame(), f.box()));
                        }
                    }
                    List<LabelReuse.Track> m = reuse.match(cameras.get(i), d.faces(), thumbs);
                    List<DetectedFace> fresh = new ArrayList<>();
                    for (int j = 0; j < m.size(); j++) {
                        if (m.get(j) == null) {
                            fresh.add(d.faces().get(j));
                        }
                    }
                    mine.add(i);
                    matches.add(m);
                    thumbsOf.add(thumbs);
                    toLabel.add(new Detected(d.frame(), fresh, null, false));
                }
                List<List<Face>> labelled = labelFaces(toLabel, false);
                for (int k = 0; k < mine.size(); k++) {
                    int i = mine.get(k);
                    List<DetectedFace> found = detected.get(i).faces();
                    List<LabelReuse.Track> m = matches.get(k);
                    java.util.Iterator<Face> fresh = labelled.get(k).iterator();
                    List<Face> merged = new ArrayList<>(found.size());
                    for (int j = 0; j < found.size(); j++) {
                        merged.add(m.get(j) == null ? fresh.next() : LabelReuse.reuse(m.get(j), found.get(j)));
                    }
                    reuse.remember(cameras.get(i), merged, m, thumbsOf.get(k));
                    faces.set(i, merged);
                }
            }
            return results(detected, faces);
        } finally {
            closeOwned(detected);
        }
    }

    private static List<FrameResult> results(List<Detected> detected, List<List<Face>> faces) {
        List<FrameResult> out = new ArrayList<>(detected.size());
        for (int i = 0; i < detected.size(); i++) {
            Detected d = detected.get(i);
            out.add(d.error() != null ? FrameResult.failed(d.error())
                    : new FrameResult(d.frame().cols(), d.frame().rows(), faces.get(i), null));
        }
        return out;
    }

    private static void closeOwned(List<Detected> detected) {
        for (Detected d : detected) {
            if (d.ownsFrame() && d.frame() != null) {
                d.frame().close();
            }
        }
    }

    /** Crops, classifies (passes of at most {@link #MAX_CLASSIFIER_BATCH}) and renders the faces; per frame. */
    private List<List<Face>> labelFaces(List<Detected> detected, boolean wholeImageCrops) {
        List<Mat> crops = new ArrayList<>();
        try {
            for (Detected d : detected) {
                for (DetectedFace f : d.faces()) {
                    crops.add(wholeImageCrops ? d.frame() : cropper.crop(d.frame(), f.box()));
                }
            }
            List<Verdict> verdicts = List.of();
            if (!crops.isEmpty()) {
                MaskLabeller labeller = labeller();
                if (labeller == null) {
                    throw new IllegalStateException("this pipeline has no classifier (detection only)");
                }
                long t0 = System.nanoTime();
                verdicts = new ArrayList<>(crops.size());
                for (int i = 0; i < crops.size(); i += MAX_CLASSIFIER_BATCH) {
                    verdicts.addAll(labeller.classify(crops.subList(i, Math.min(crops.size(), i + MAX_CLASSIFIER_BATCH)),
                            heatmapPolicy != HeatmapPolicy.NONE && faceCropPolicy != FaceCropPolicy.NONE));
                }
                listener.record(Stage.CLASSIFY, System.nanoTime() - t0, crops.size());
            }
            // Crop and heat map JPEGs, faces in parallel.
            List<Callable<Face>> imageTasks = new ArrayList<>(crops.size());
            int k = 0;
            for (Detected d : detected) {
                for (DetectedFace f : d.faces()) {
                    Mat crop = crops.get(k);
                    Verdict v = verdicts.get(k++);
                    imageTasks.add(() -> face(f, crop, v));
                }
            }
            long t0 = System.nanoTime();
            List<Face> faces = runAll(imageTasks);
            if (!imageTasks.isEmpty() && faceCropPolicy != FaceCropPolicy.NONE) {
                listener.record(Stage.HEATMAP, System.nanoTime() - t0, imageTasks.size());
            }
            List<List<Face>> out = new ArrayList<>(detected.size());
            k = 0;
            for (Detected d : detected) {
                out.add(d.error() != null ? List.of() : faces.subList(k, k + d.faces().size()));
                k += d.faces().size();
            }
            return out;
        } finally {
            if (!wholeImageCrops) {
                crops.forEach(Mat::close);
            }
        }
    }

    private Face face(DetectedFace f, Mat crop, Verdict v) {
        // face-crops decides whose face leaves the detector at all; a heat map shows the face too.
        boolean withCrop = faceCropPolicy.allows(v.label());
        boolean heat = withCrop && switch (heatmapPolicy) {
            case NONE -> false;
            case ALL -> true;
            case NO_MASK -> v.label() != FaceLabel.MASK;
        } && v.cam() != null;
        byte[] cropJpeg = null, heatJpeg = null;
        if (withCrop) {
            try (Mat small = FaceCropper.fitWithin(crop, config.cropMaxSize())) {
                cropJpeg = io.maskwatch.detector.frame.Jpeg.encode(small, config.jpegQuality());
                if (heat) {
                    heatJpeg = renderer.renderJpeg(small, v.cam(), v.camWidth(), v.camHeight());
                }
            }
        }
        return new Face(f.box(), f.score(), v.label(), FaceConfidence.joint(f.score(), v.score()), v.probabilities(),
                cropJpeg, heatJpeg);
    }

    private <T> List<T> runAll(List<Callable<T>> tasks) {
        List<T> out = new ArrayList<>(tasks.size());
        try {
            if (pool == null || tasks.size() <= 1) {
                for (Callable<T> t : tasks) {
                    out.add(t.call());
                }
                return out;
            }
            List<Future<T>> fs = pool.invokeAll(tasks);
            for (Future<T> f : fs) {
                out.add(f.get());
            }
            return out;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException re ? re : new IllegalStateException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (pool != null) {
            pool.shutdownNow();
        }
        detectors.forEach(FaceDetector::close);
        if (labellerSource != null) {
            MaskLabeller l;
            try {
                l = labeller();
            } catch (RuntimeException e) {
                l = null; // it failed to load (and that failure was reported where it was first needed)
            }
            if (l != null) {
                l.close();
            }
        }
    }
}
