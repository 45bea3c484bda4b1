package io.maskwatch.model.training;

import io.maskwatch.model.ClassActivationMap;
import io.maskwatch.model.Classification;
import io.maskwatch.model.FacePreprocessor;
import io.maskwatch.model.MaskClassifier;
import io.maskwatch.model.RgbImage;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A contact sheet for eyeballing the class activation maps: each tile is a crop and the same
 * crop with its predicted class's heat map blended in, captioned with true/predicted class and
 * score; a red frame marks a wrong prediction.
 */
public final class HeatmapGrid {
    private static final int TILE = 96;
    private static final int CAPTION = 16;

    private HeatmapGrid() {
    }

    public static void write(MaskClassifier classifier, List<RgbImage> crops, List<String> trueLabels, int columns,
                             Path png) throws IOException {
        List<Classification> results = classifier.classify(crops, true);
        int rows = (crops.size() + columns - 1) / columns;
        int cellW = TILE * 2 + 6;
        int cellH = TILE + CAPTION + 6;
        BufferedImage sheet = new BufferedImage(columns * cellW, rows * cellH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.DARK_GRAY);
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i < crops.size(); i++) {
            int x = (i % columns) * cellW + 3;
            int y = (i / columns) * cellH + 3;
            RgbImage face = FacePreprocessor.resize(crops.get(i), TILE, TILE);
            Classification c = results.get(i);
            g.drawImage(face.toBufferedImage(), x, y, null);
            g.drawImage(overlay(face, c.cam()).toBufferedImage(), x + TILE, y, null);
            String predicted = classifier.classes().get(c.predicted());
            boolean wrong = !predicted.equals(trueLabels.get(i));
            g.setColor(wrong ? Color.RED : Color.WHITE);
            g.drawString(String.format("%s -> %s %.2f", trueLabels.get(i), predicted, c.score()), x + 2, y + TILE + 12);
            if (wrong) {
                g.setStroke(new BasicStroke(2));
                g.drawRect(x - 1, y - 1, TILE * 2 + 1, TILE + 1);
            }
        }
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(sheet, "png", png.toFile());
    }

    /** The crop with the map upsampled bilinearly, jet-coloured and blended at 45%. */
    public static RgbImage overlay(RgbImage face, ClassActivationMap cam) {
        int w = face.width();
        int h = face.height();
        byte[] out = new byte[w * h * 3];
        byte[] src = face.rgb();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // Feature-map cell centres sit at (i + 0.5) / width of the image.
                float u = Math.max(0, Math.min(cam.width() - 1f, (x + 0.5f) * cam.width() / w - 0.5f));
                float v = Math.max(0, Math.min(cam.height() - 1f, (y + 0.5f) * cam.height() / h - 0.5f));
                int x0 = (int) u;
                int y0 = (int) v;
                int x1 = Math.min(cam.width() - 1, x0 + 1);
                int y1 = Math.min(cam.height() - 1, y0 + 1);
                float fx = u - x0;
                float fy = v - y0;
                float val = (cam.get(x0, y0) * (1 - fx) + cam.get(x1, y0) * fx) * (1 - fy)
                        + (cam.get(x0, y1) * (1 - fx) + cam.get(x1, y1) * fx) * fy;
                int[] jet = jet(val);
                int o = (y * w + x) * 3;
                for (int c = 0; c < 3; c++) {
                    out[o + c] = (byte) Math.round(0.55f * (src[o + c] & 0xff) + 0.45f * jet[c]);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    static int[] jet(float v) {
        float t = Math.max(0, Math.min(1, v));
        float r = Math.max(0, Math.min(1, 1.5f - Math.abs(4 * t - 3)));
        float g = Math.max(0, Math.min(1, 1.5f - Math.abs(4 * t - 2)));
        float b = Math.max(0, Math.min(1, 1.5f - Math.abs(4 * t - 1)));
        return new int[] {Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)};
    }
}
