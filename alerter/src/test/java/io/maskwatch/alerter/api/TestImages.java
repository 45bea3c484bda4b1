package io.maskwatch.alerter.api;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Real JPEGs for tests: a drawn face, and a heat-map-like gradient. */
public final class TestImages {
    private TestImages() {
    }

    public static byte[] face(int seed) {
        BufferedImage img = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(40 + seed * 30 % 200, 60, 90));
        g.fillRect(0, 0, 96, 96);
        g.setColor(new Color(224, 182, 150));
        g.fillOval(18, 10, 60, 76);
        g.setColor(Color.DARK_GRAY);
        g.fillOval(34, 36, 8, 6);
        g.fillOval(54, 36, 8, 6);
        g.setStroke(new BasicStroke(3));
        g.drawArc(36, 58, 24, 12, 200, 140);
        g.dispose();
        return jpeg(img);
    }

    public static byte[] heatmap(int seed) {
        BufferedImage img = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                double d = Math.hypot(x - 48, y - 60 + seed) / 68.0;
                int r = (int) (255 * Math.max(0, 1 - d));
                img.setRGB(x, y, new Color(r, (int) (120 * (1 - Math.abs(0.5 - d))), 255 - r).getRGB());
            }
        }
        return jpeg(img);
    }

    private static byte[] jpeg(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, "jpg", out)) {
                throw new IllegalStateException("no JPEG writer");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
