package io.maskwatch.alerter.live;

import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.Face;
import io.maskwatch.common.contract.FaceLabel;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.function.Function;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Draws face boxes on a frame (Java2D, no native code): mask green, no mask red, mask below the nose
 * amber, each with its label, joint score and (when known) short track id; an alert's box is drawn thicker. Stateless.
 */
public final class FrameAnnotator {
    static final Color MASK = new Color(0x1b, 0x9e, 0x4b);
    static final Color NO_MASK = new Color(0xd3, 0x2f, 0x2f);
    static final Color INCORRECT = new Color(0xf0, 0xa0, 0x00);

    static {
        System.setProperty("java.awt.headless", System.getProperty("java.awt.headless", "true"));
    }

    public static Color colour(FaceLabel l) {
        return switch (l) {
            case MASK -> MASK;
            case NO_MASK -> NO_MASK;
            case INCORRECT -> INCORRECT;
        };
    }

    public static String text(FaceLabel l) {
        return switch (l) {
            case MASK -> "mask";
            case NO_MASK -> "no mask";
            case INCORRECT -> "mask below nose";
        };
    }

    /**
     * @param detection the faces of this frame, or null (the frame is returned re-encoded, unmarked)
     * @param highlight a box to draw thick (an alert's), or null
     */
    public byte[] annotate(byte[] jpeg, DetectionEvent detection, Box highlight) {
        return annotate(jpeg, detection, highlight, 0);
    }

    /**
     * @param maxWidth 0 for full size; else the frame is decoded subsampled to at most about this
     *                 width (a grid tile: decoding a quarter of the pixels is most of the saving)
     */
    public byte[] annotate(byte[] jpeg, DetectionEvent detection, Box highlight, int maxWidth) {
        return annotate(jpeg, detection, highlight, maxWidth, f -> null);
    }

    /** @param trackIds the track of a face, or null when unknown (then the label has no track) */
    public byte[] annotate(byte[] jpeg, DetectionEvent detection, Box highlight, int maxWidth,
                           Function<Face, String> trackIds) {
        BufferedImage src = decode(jpeg, maxWidth);
        BufferedImage img = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.drawImage(src, 0, 0, null);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            // Boxes are in the detector's frame pixels; the JPEG may differ in size.
            double sx = detection == null || detection.frameWidth() <= 0 ? 1 : (double) img.getWidth() / detection.frameWidth();
            double sy = detection == null || detection.frameHeight() <= 0 ? 1 : (double) img.getHeight() / detection.frameHeight();
            float stroke = Math.max(2f, img.getWidth() / 400f);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(11, img.getWidth() / 60)));
            if (highlight != null) {
                // A white halo under the alert's box: it stands out among several faces.
                draw(g, highlight, sx, sy, Color.WHITE, stroke * 4f, null);
            }
            if (detection != null) {
                for (Face f : detection.faces()) {
                    Color c = colour(f.label());
                    String track = trackIds.apply(f);
                    draw(g, f.box(), sx, sy, c, stroke, text(f.label()) + " " + Math.round(f.joint(f.label()) * 100) + "%"
                            + (track == null ? "" : " #" + shortTrackId(track)));
                }
            }
        } finally {
            g.dispose();
        }
        return encode(img, 0.8f);
    }

    /**
     * A track id short enough for a box label: ids are {@code <camera>-<first capture ms>-<n>}, so the
     * last 5 digits of the time (its milliseconds within 100 s: unique among the people in view) and n.
     */
    public static String shortTrackId(String id) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,5})-(\\d+)$").matcher(id);
        return m.find() ? m.group(1) + "-" + m.group(2) : id;
    }

    private static void draw(Graphics2D g, Box b, double sx, double sy, Color c, float stroke, String label) {
        int x = (int) Math.round(b.x1() * sx);
        int y = (int) Math.round(b.y1() * sy);
        int w = (int) Math.round(b.width() * sx);
        int h = (int) Math.round(b.height() * sy);
        g.setColor(c);
        g.setStroke(new BasicStroke(stroke));
        g.drawRect(x, y, w, h);
        if (label != null) {
            FontMetrics fm = g.getFontMetrics();
            int tw = fm.stringWidth(label) + 6;
            int th = fm.getHeight();
            int ty = y - th >= 0 ? y - th : y + h;
            g.fillRect(x, ty, tw, th);
            g.setColor(c == INCORRECT ? Color.BLACK : Color.WHITE);
            g.drawString(label, x + 3, ty + fm.getAscent());
        }
    }

    private static BufferedImage decode(byte[] jpeg, int maxWidth) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new IllegalArgumentException("frame is not a readable image");
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                ImageReadParam p = r.getDefaultReadParam();
                int w = r.getWidth(0);
                if (maxWidth > 0 && w > maxWidth) {
                    int n = (w + maxWidth - 1) / maxWidth;
                    p.setSourceSubsampling(n, n, 0, 0);
                }
                return r.read(0, p);
            } finally {
                r.dispose();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("frame is not a readable JPEG", e);
        }
    }

    static byte[] encode(BufferedImage img, float quality) {
        Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter w = it.next();
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            w.setOutput(ios);
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            w.write(null, new IIOImage(img, null, null), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }
}
