package io.maskwatch.alerter.bench;

import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.Face;
import io.maskwatch.common.contract.FaceLabel;
import io.maskwatch.common.contract.FrameMetadata;
import io.maskwatch.common.serde.EventSerdes;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Cameras for the live view's tests and benchmark: each camera shows one person walking across a
 * 1280x720 scene, wearing a mask, no mask, or the mask below the nose, and sends what ingest and the
 * detector would: a frame record (JPEG + headers) and the detection event of the same capture time.
 * Scenes are drawn once per position ({@value #POSITIONS} per camera) and then reused, so producing
 * costs next to nothing next to what is measured.
 */
public final class SyntheticCameras {
    public static final int WIDTH = 1280;
    public static final int HEIGHT = 720;
    static final int POSITIONS = 8;
    static final double FACE = 120;

    /** One camera: its id and what its person wears. */
    public record Camera(String id, FaceLabel wears) {
    }

    private final List<Camera> cameras;
    private final List<byte[][]> scenes = new ArrayList<>();
    private final byte[] crop;
    private final byte[] heatmap;
    private long seq;

    /** Mean size of the frames' JPEGs, bytes. */
    public long meanFrameBytes() {
        long sum = 0;
        int n = 0;
        for (byte[][] s : scenes) {
            for (byte[] f : s) {
                sum += f.length;
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    /**
     * @param sensorNoise noisy scenes of a camera's JPEG size (benchmarks), or flat ones that compress
     *                    well (tests, screenshots)
     */
    public SyntheticCameras(List<Camera> cameras, boolean sensorNoise) {
        this.cameras = List.copyOf(cameras);
        for (Camera c : cameras) {
            byte[][] s = new byte[POSITIONS][];
            for (int i = 0; i < POSITIONS; i++) {
                s[i] = jpeg(scene(c, box(i), sensorNoise), WIDTH, HEIGHT);
            }
            scenes.add(s);
        }
        BufferedImage face = new BufferedImage(112, 112, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = face.createGraphics();
        g.setColor(new Color(0xe0, 0xb0, 0x90));
        g.fillRect(0, 0, 112, 112);
        g.setColor(Color.DARK_GRAY);
        g.fillOval(30, 40, 12, 12);
        g.fillOval(70, 40, 12, 12);
        g.dispose();
        this.crop = jpeg(face, 112, 112);
        BufferedImage heat = new BufferedImage(112, 112, BufferedImage.TYPE_INT_RGB);
        Graphics2D h = heat.createGraphics();
        h.setPaint(new GradientPaint(0, 0, Color.BLUE, 112, 112, Color.RED));
        h.fillRect(0, 0, 112, 112);
        h.dispose();
        this.heatmap = jpeg(heat, 112, 112);
    }

    /** The face box at position {@code i} of the walk. */
    static Box box(int i) {
        double cx = 300 + i * 60;
        double cy = 300;
        return new Box(cx - FACE / 2, cy - FACE / 2, cx + FACE / 2, cy + FACE / 2);
    }

    private static BufferedImage scene(Camera c, Box b, boolean sensorNoise) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(0x50, 0x60, 0x70), 0, HEIGHT, new Color(0x20, 0x24, 0x28)));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        // Sensor-like noise: a camera's JPEG is 100-200 KB, not the few KB of a flat drawing.
        java.util.Random rnd = new java.util.Random(c.id().hashCode());
        for (int y = 0; sensorNoise && y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int p = img.getRGB(x, y);
                int n = rnd.nextInt(25) - 12;
                int r = Math.max(0, Math.min(255, ((p >> 16) & 255) + n));
                int gg = Math.max(0, Math.min(255, ((p >> 8) & 255) + n));
                int bl = Math.max(0, Math.min(255, (p & 255) + n));
                img.setRGB(x, y, (r << 16) | (gg << 8) | bl);
            }
        }
        g.setColor(new Color(0x80, 0x80, 0x80));
        for (int x = 0; x < WIDTH; x += 160) {
            g.drawLine(x, HEIGHT / 2 + 120, x + 80, HEIGHT);
        }
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 28));
        g.drawString(c.id(), 24, 44);
        int x = (int) b.x1(), y = (int) b.y1(), s = (int) b.width();
        g.setColor(new Color(0x30, 0x40, 0x90));
        g.fillRoundRect(x - s / 3, y + s, s + 2 * s / 3, HEIGHT - y - s, 40, 40); // body
        g.setColor(new Color(0xe0, 0xb0, 0x90));
        g.fillOval(x, y, s, s); // head
        g.setColor(Color.DARK_GRAY);
        g.fillOval(x + s / 4, y + s / 3, s / 8, s / 8);
        g.fillOval(x + 5 * s / 8, y + s / 3, s / 8, s / 8);
        if (c.wears() != FaceLabel.NO_MASK) {
            int top = c.wears() == FaceLabel.MASK ? y + s / 2 : y + 2 * s / 3; // below the nose: lower
            g.setColor(new Color(0x9c, 0xd0, 0xf0));
            g.fillRoundRect(x + s / 8, top, 3 * s / 4, y + s - top - s / 12, 20, 20);
        }
        g.dispose();
        return img;
    }

    private static byte[] jpeg(BufferedImage img, int w, int h) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "jpeg", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one frame and its detection event per camera, all with capture time {@code captureMs}. */
    public void tick(Producer<String, byte[]> producer, String framesTopic, String detectionsTopic, long captureMs) {
        int pos = (int) (seq % POSITIONS);
        for (int i = 0; i < cameras.size(); i++) {
            Camera c = cameras.get(i);
            RecordHeaders headers = new RecordHeaders();
            FrameMetadata.of(c.id(), captureMs, seq, WIDTH, HEIGHT).writeTo(headers);
            producer.send(new ProducerRecord<>(framesTopic, null, captureMs, c.id(), scenes.get(i)[pos], headers));
            DetectionEvent d = DetectionEvent.of(c.id(), seq, captureMs, captureMs + 30, WIDTH, HEIGHT, "synthetic",
                    "mask-classifier@synthetic", List.of(face(c.wears(), box(pos))));
            producer.send(new ProducerRecord<>(detectionsTopic, null, captureMs, c.id(),
                    EventSerdes.detections().serialize(detectionsTopic, d)));
        }
        seq++;
    }

    private Face face(FaceLabel wears, Box b) {
        Map<String, Double> p = switch (wears) {
            case MASK -> Map.of("mask", 0.95, "no_mask", 0.03, "incorrect", 0.02);
            case NO_MASK -> Map.of("mask", 0.04, "no_mask", 0.93, "incorrect", 0.03);
            case INCORRECT -> Map.of("mask", 0.06, "no_mask", 0.04, "incorrect", 0.90);
        };
        double faceScore = 0.97;
        boolean unmasked = wears != FaceLabel.MASK;
        return new Face(b, faceScore, wears, Face.jointConfidence(faceScore, p.get(wears.wireName())), p,
                unmasked ? crop : null, unmasked ? heatmap : null);
    }
}
