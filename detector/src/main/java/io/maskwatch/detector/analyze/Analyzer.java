package io.maskwatch.detector.analyze;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskwatch.common.contract.Face;
import io.maskwatch.detector.analyze.MediaInputs.Item;
import io.maskwatch.detector.pipeline.FramePipeline;
import io.maskwatch.detector.pipeline.FrameResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Offline analysis: images, directories or videos through the pipeline into JSON lines, one
 * object per image or video frame. Batches frames like the service does; reading, detecting (two
 * batches at a time, on the pipeline's detector threads) and classifying (one batch at a time, in
 * order) overlap.
 */
public final class Analyzer {
    private final FramePipeline pipeline;
    private final boolean cropsMode;
    private final Path heatmapDir;
    private final int batchSize;
    private final ObjectMapper json = new ObjectMapper();
    private final PrintStream progress;

    private final List<Item> batch = new ArrayList<>();
    private Writer out;
    private long frames;
    private long faces;
    private long errors;
    private long started;
    private long lastReport;
    /**
     * Batches detected at once. Two keep the detectors busy across a batch's end: while the last
     * frames of batch N are detected, the frames of N+1 already wait for the free detector.
     */
    static final int DETECTING_BATCHES = 2;
    /** Batches detected or classified but not yet written (bounds the decoded frames held): the two detecting, one classifying. */
    static final int MAX_PENDING_BATCHES = DETECTING_BATCHES + 1;
    private final ExecutorService detecting = Executors.newFixedThreadPool(DETECTING_BATCHES, daemon("analyze-detect"));
    // Classifies and writes one batch at a time, in input order, while later batches are detected.
    private final ExecutorService classifier = Executors.newSingleThreadExecutor(daemon("analyze-classify"));
    private final Deque<Pending> pending = new ArrayDeque<>();

    /**
     * A batch handed to the threads and not yet awaited. Its frames are closed by whoever claims it
     * first: its classification task, or {@link #stop} when the run ends early and the task never ran.
     */
    private record Pending(Future<?> classified, AtomicBoolean detecting, List<Item> readable, AtomicBoolean claimed) {
        boolean claim() {
            return claimed.compareAndSet(false, true);
        }
    }

    /**
     * @param cropsMode  every input image is a face crop: no detection, one face per image
     * @param heatmapDir when not null, a heat map JPEG per face is written there
     * @param progress   where progress lines go (stderr), or null
     */
    public Analyzer(FramePipeline pipeline, boolean cropsMode, Path heatmapDir, int batchSize, PrintStream progress) {
        this.pipeline = pipeline;
        this.cropsMode = cropsMode;
        this.heatmapDir = heatmapDir;
        this.batchSize = Math.max(1, batchSize);
        this.progress = progress;
    }

    /** Summary of a run. */
    public record Summary(long frames, long faces, long errors, double seconds) {
        @Override
        public String toString() {
            return String.format("%d frames, %d faces, %d unreadable, %.1f s (%.1f frames/s)", frames, faces, errors,
                    seconds, seconds > 0 ? frames / seconds : 0);
        }
    }

    public Summary run(Path input, Writer output, int videoEvery) throws IOException {
        this.out = output;
        started = System.nanoTime();
        lastReport = started;
        try {
            read(input, videoEvery);
            flush();
            while (!pending.isEmpty()) {
                await(pending.poll().classified());
            }
        } finally {
            // Also on an error: the caller closes the pipeline next, so no batch may still run on it.
            stop();
        }
        output.flush();
        return new Summary(frames, faces, errors, (System.nanoTime() - started) / 1e9);
    }

    private void read(Path input, int videoEvery) throws IOException {
        if (heatmapDir != null) {
            Files.createDirectories(heatmapDir);
        }
        if (Files.isDirectory(input)) {
            List<Path> files = MediaInputs.imagesIn(input);
            if (files.isEmpty()) {
                throw new IOException("no images (" + MediaInputs.IMAGE_EXTENSIONS + ") in " + input);
            }
            // Read and decode ahead on another thread, in input order, while frames are detected.
            ExecutorService reader = Executors.newSingleThreadExecutor(daemon("analyze-read"));
            try {
                Deque<Future<Item>> ahead = new ArrayDeque<>();
                int next = 0;
                while (next < files.size() || !ahead.isEmpty()) {
                    while (next < files.size() && ahead.size() < 2 * batchSize) {
                        Path p = files.get(next++);
                        ahead.add(reader.submit(() -> MediaInputs.readImage(p)));
                    }
                    add(await(ahead.poll()));
                }
            } finally {
                reader.shutdownNow();
            }
        } else if (!Files.isRegularFile(input)) {
            throw new IOException("input " + input + " does not exist");
        } else if (MediaInputs.isVideo(input)) {
            if (cropsMode) {
                throw new IOException("--crops expects face crop images, not a video");
            }
            try {
                MediaInputs.readVideo(input, videoEvery, this::add);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        } else {
            add(MediaInputs.readImage(input));
        }
    }

    /**
     * Ends the run's threads and waits for them: batches not yet detected are not, running ones
     * finish (a native inference cannot be interrupted), and the frames of batches never classified are
     * closed here.
     */
    private void stop() {
        List<Item> unclassified = new ArrayList<>();
        for (Pending p : pending) {
            // A detection not started yet will not start (not Future.cancel: its get() would return at once,
            // and the classification would close the frames under a detection still running).
            p.detecting().compareAndSet(false, true);
            if (p.claim()) {
                unclassified.addAll(p.readable());
            }
        }
        pending.clear();
        batch.forEach(i -> {
            if (i.image() != null) {
                unclassified.add(i);
            }
        });
        batch.clear();
        awaitThreads();
        // Only now: a detection already running may still read these frames until the threads end.
        unclassified.forEach(i -> i.image().close());
    }

    private void awaitThreads() {
        detecting.shutdown();
        classifier.shutdown();
        boolean interrupted = false;
        for (ExecutorService e : List.of(detecting, classifier)) {
            while (true) {
                try {
                    if (e.awaitTermination(1, TimeUnit.MINUTES)) {
                        break;
                    }
                } catch (InterruptedException ie) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void add(Item item) {
        batch.add(item);
        if (batch.size() >= batchSize) {
            flush();
        }
    }

    /**
     * Hands the batch to the detecting threads (its frames in parallel on the pipeline's detectors,
     * up to {@link #DETECTING_BATCHES} batches at once) and queues its classification: one batch
     * classifies at a time, in input order, and writes its lines, so the output keeps the input order
     * and each batch's classifier passes are the same as when batches ran one after another.
     */
    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        List<Item> items = List.copyOf(batch);
        batch.clear();
        List<Item> readable = items.stream().filter(i -> i.image() != null).toList();
        List<Mat> mats = readable.stream().map(Item::image).toList();
        AtomicBoolean detectStarted = new AtomicBoolean();
        Future<FramePipeline.DetectedBatch> detected = cropsMode ? null : detecting.submit(() -> {
            if (!detectStarted.compareAndSet(false, true)) {
                throw new CancellationException("the run ended before this batch was detected");
            }
            return pipeline.detectDecoded(mats);
        });
        AtomicBoolean claimed = new AtomicBoolean();
        Future<?> classified = classifier.submit(() -> {
            if (!claimed.compareAndSet(false, true)) {
                return null; // the run ended early and closed this batch's frames
            }
            List<FrameResult> results;
            try {
                results = cropsMode ? pipeline.classifyCrops(mats) : pipeline.classify(await(detected));
            } catch (RuntimeException | Error e) {
                readable.forEach(i -> i.image().close());
                throw e;
            }
            write(items, readable, results);
            return null;
        });
        pending.add(new Pending(classified, detectStarted, readable, claimed));
        while (pending.size() > MAX_PENDING_BATCHES) {
            await(pending.poll().classified());
        }
    }

    private void write(List<Item> items, List<Item> readable, List<FrameResult> results) {
        int k = 0;
        try {
            for (Item item : items) {
                if (item.image() == null) {
                    errors++;
                    ObjectNode line = json.createObjectNode().put("source", item.source()).put("error", item.error());
                    writeLine(line);
                    continue;
                }
                writeLine(toJson(item, results.get(k++)));
                frames++;
            }
        } finally {
            readable.forEach(i -> i.image().close());
        }
        long now = System.nanoTime();
        if (progress != null && now - lastReport > 2_000_000_000L) {
            double s = (now - started) / 1e9;
            progress.printf("analyze: %d frames, %d faces, %.1f frames/s%n", frames, faces, frames / s);
            lastReport = now;
        }
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private ObjectNode toJson(Item item, FrameResult r) {
        ObjectNode line = json.createObjectNode();
        line.put("source", item.source());
        if (item.timestampMs() >= 0) {
            line.put("timestamp_ms", item.timestampMs());
        }
        line.put("width", r.width());
        line.put("height", r.height());
        ArrayNode arr = line.putArray("faces");
        int i = 0;
        for (Face f : r.faces()) {
            faces++;
            ObjectNode o = arr.addObject();
            ArrayNode box = o.putArray("box");
            box.add(round(f.box().x1())).add(round(f.box().y1())).add(round(f.box().x2())).add(round(f.box().y2()));
            o.put("face_score", round4(f.faceScore()));
            o.put("label", f.label().wireName());
            o.put("score", round4(f.score()));
            ObjectNode probs = o.putObject("probabilities");
            for (io.maskwatch.common.contract.FaceLabel l : io.maskwatch.common.contract.FaceLabel.values()) {
                Double p = f.probabilities().get(l.wireName());
                if (p != null) {
                    probs.put(l.wireName(), round4(p));
                }
            }
            if (heatmapDir != null && f.heatmapJpeg() != null) {
                String file = safeName(item.source()) + "_face" + i + ".jpg";
                try {
                    Files.write(heatmapDir.resolve(file), f.heatmapJpeg());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write heat map " + heatmapDir.resolve(file), e);
                }
                o.put("heatmap", file);
            }
            i++;
        }
        return line;
    }

    private void writeLine(ObjectNode line) {
        try {
            out.write(json.writeValueAsString(line));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write output: " + e.getMessage(), e);
        }
    }

    static String safeName(String source) {
        String s = source;
        int dot = s.lastIndexOf('.');
        int hash = s.lastIndexOf('#');
        if (dot > 0 && (hash < 0 || dot < hash)) {
            s = s.substring(0, dot) + (hash > 0 ? "_f" + s.substring(hash + 1) : "");
        }
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round4(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
