package io.maskwatch.detector.eval;

import io.maskwatch.common.contract.Box;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** A PASCAL VOC directory: {@code images/} and {@code annotations/*.xml}. */
public final class VocDataset {
    /** One annotated object. */
    public record VocObject(String name, Box box, boolean difficult) {
    }

    /** One annotated image. */
    public record VocImage(Path image, Path annotation, int width, int height, List<VocObject> objects) {
    }

    private VocDataset() {
    }

    /**
     * Reads every annotation of {@code dir}.
     *
     * @throws IOException naming the directory or file that is wrong
     */
    public static List<VocImage> read(Path dir) throws IOException {
        Path images = dir.resolve("images");
        Path annotations = dir.resolve("annotations");
        if (!Files.isDirectory(annotations) && Files.isDirectory(dir.resolve("Annotations"))) {
            annotations = dir.resolve("Annotations");
        }
        if (!Files.isDirectory(images) && Files.isDirectory(dir.resolve("JPEGImages"))) {
            images = dir.resolve("JPEGImages");
        }
        if (!Files.isDirectory(images) || !Files.isDirectory(annotations)) {
            throw new IOException(dir + " must contain images/ and annotations/ (PASCAL VOC xml) directories");
        }
        List<Path> xmls;
        try (Stream<Path> s = Files.list(annotations)) {
            xmls = s.filter(p -> p.getFileName().toString().toLowerCase().endsWith(".xml")).sorted().toList();
        }
        if (xmls.isEmpty()) {
            throw new IOException("no .xml annotations in " + annotations);
        }
        DocumentBuilder db = builder();
        List<VocImage> out = new ArrayList<>();
        for (Path x : xmls) {
            out.add(parse(db, x, images));
        }
        return out;
    }

    static VocImage parse(DocumentBuilder db, Path xml, Path imagesDir) throws IOException {
        Document doc;
        try {
            doc = db.parse(xml.toFile());
        } catch (SAXException e) {
            throw new IOException("annotation " + xml + " is not valid XML: " + e.getMessage(), e);
        }
        Element root = doc.getDocumentElement();
        String filename = text(root, "filename");
        Path image = filename == null ? null : imagesDir.resolve(filename);
        if (image == null || !Files.isRegularFile(image)) {
            String stem = xml.getFileName().toString().replaceFirst("\\.[Xx][Mm][Ll]$", "");
            image = null;
            for (String ext : List.of(".jpg", ".jpeg", ".png", ".JPG", ".PNG", ".bmp")) {
                if (Files.isRegularFile(imagesDir.resolve(stem + ext))) {
                    image = imagesDir.resolve(stem + ext);
                    break;
                }
            }
            if (image == null) {
                throw new IOException("annotation " + xml + " names image '" + filename + "', which is not in " + imagesDir);
            }
        }
        int w = 0, h = 0;
        NodeList sizes = root.getElementsByTagName("size");
        if (sizes.getLength() > 0) {
            w = intOf((Element) sizes.item(0), "width", xml);
            h = intOf((Element) sizes.item(0), "height", xml);
        }
        List<VocObject> objects = new ArrayList<>();
        NodeList objs = root.getElementsByTagName("object");
        for (int i = 0; i < objs.getLength(); i++) {
            Element o = (Element) objs.item(i);
            String name = text(o, "name");
            Element bb = (Element) o.getElementsByTagName("bndbox").item(0);
            if (bb == null) {
                throw new IOException("annotation " + xml + ": object " + (i + 1) + " has no bndbox");
            }
            double x1 = dbl(bb, "xmin", xml), y1 = dbl(bb, "ymin", xml), x2 = dbl(bb, "xmax", xml), y2 = dbl(bb, "ymax", xml);
            if (x2 < x1 || y2 < y1) {
                throw new IOException("annotation " + xml + ": object " + (i + 1) + " has xmax < xmin or ymax < ymin");
            }
            String diff = text(o, "difficult");
            objects.add(new VocObject(name, new Box(x1, y1, x2, y2), "1".equals(diff == null ? null : diff.trim())));
        }
        return new VocImage(image, xml, w, h, List.copyOf(objects));
    }

    private static DocumentBuilder builder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            // Annotation files are data: no external entities.
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(Element parent, String tag) {
        NodeList l = parent.getElementsByTagName(tag);
        return l.getLength() == 0 ? null : l.item(0).getTextContent();
    }

    private static double dbl(Element parent, String tag, Path xml) throws IOException {
        String t = text(parent, tag);
        try {
            return Double.parseDouble(t.trim());
        } catch (RuntimeException e) {
            throw new IOException("annotation " + xml + ": <" + tag + "> must be a number, got '" + t + "'");
        }
    }

    private static int intOf(Element parent, String tag, Path xml) throws IOException {
        return (int) Math.round(dbl(parent, tag, xml));
    }

    /** Writes one VOC annotation (used to build evaluation sets). */
    public static String toXml(String filename, int width, int height, List<VocObject> objects) {
        StringBuilder sb = new StringBuilder("<annotation>\n  <filename>").append(escape(filename)).append("</filename>\n")
                .append("  <size><width>").append(width).append("</width><height>").append(height)
                .append("</height><depth>3</depth></size>\n");
        for (VocObject o : objects) {
            sb.append("  <object><name>").append(escape(o.name())).append("</name><difficult>")
                    .append(o.difficult() ? 1 : 0).append("</difficult><bndbox><xmin>").append(Math.round(o.box().x1()))
                    .append("</xmin><ymin>").append(Math.round(o.box().y1())).append("</ymin><xmax>")
                    .append(Math.round(o.box().x2())).append("</xmax><ymax>").append(Math.round(o.box().y2()))
                    .append("</ymax></bndbox></object>\n");
        }
        return sb.append("</annotation>\n").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
