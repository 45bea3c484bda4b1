package io.maskwatch.common.config;

import io.maskwatch.common.camera.CameraIds;

import io.maskwatch.common.camera.CameraUrls;
import java.util.ArrayList;
import java.util.List;

/**
 * One camera of the {@code cameras} list.
 *
 * @param id          stable id, used as Kafka key and metric label (never the URL)
 * @param name        human name for notifications ("Entrance A"); defaults to the id
 * @param url         rtsp://, http(s):// (MJPEG), a file path, or /dev/videoN; may carry credentials
 * @param fps         frames per second to sample and send
 * @param maxWidth    frames wider than this are scaled down (0 = keep size)
 * @param jpegQuality 1..100
 * @param transport   rtsp transport: tcp (default) or udp
 * @param loop        for files: start again at the end (demos)
 * @param substreamUrl the camera's low-resolution stream (e.g. {@code rtsp://.../stream2}); when set, ingest
 *                    reads it instead of {@code url}: a fraction of the decoding cost, fewer pixels per face
 *                    (docs/INGEST.md, "What decoding costs"); null or empty = read {@code url}
 */
public record CameraConfig(
        String id,
        String name,
        String url,
        double fps,
        int maxWidth,
        int jpegQuality,
        boolean enabled,
        String transport,
        boolean loop,
        String substreamUrl) {

    /** A camera read from its main stream ({@code url}). */
    public CameraConfig(String id, String name, String url, double fps, int maxWidth, int jpegQuality, boolean enabled,
                        String transport, boolean loop) {
        this(id, name, url, fps, maxWidth, jpegQuality, enabled, transport, loop, null);
    }

    public static CameraConfig defaults() {
        return new CameraConfig(null, null, null, 2.0, 1280, 85, true, "tcp", false, null);
    }

    public boolean hasSubstream() {
        return substreamUrl != null && !substreamUrl.isBlank();
    }

    /** The URL ingest reads: the substream when configured, else the main stream. */
    public String streamUrl() {
        return hasSubstream() ? substreamUrl : url;
    }

    /** This camera as ingest reads it: {@code url} replaced by the substream when one is configured. */
    public CameraConfig forIngest() {
        return hasSubstream() ? new CameraConfig(id, name, substreamUrl, fps, maxWidth, jpegQuality, enabled, transport, loop,
                null) : this;
    }

    public String displayName() {
        return name == null || name.isBlank() ? id : name;
    }

    /** The URL with credentials removed: the only form allowed in logs and errors. */
    public String redactedUrl() {
        return CameraUrls.redact(url);
    }

    @Override
    public String toString() {
        return "CameraConfig[id=" + id + ", url=" + redactedUrl()
                + (hasSubstream() ? ", substream-url=" + CameraUrls.redact(substreamUrl) : "") + ", fps=" + fps + "]";
    }

    /** Problems with keys relative to this camera (the caller prefixes {@code cameras[i].}). */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        String idProblem = CameraIds.problem(id);
        if (idProblem != null) {
            out.add("id " + idProblem);
        }
        String camera = CameraIds.isValid(id) ? " of camera '" + id + "'" : "";
        if (url == null || url.isBlank()) {
            out.add("url is required (rtsp://..., http://..., a video file or /dev/videoN)");
        } else {
            String schemeProblem = CameraUrls.schemeProblem(url);
            if (schemeProblem != null) {
                out.add("url" + camera + ": " + schemeProblem);
            }
        }
        if (hasSubstream()) {
            String schemeProblem = CameraUrls.schemeProblem(substreamUrl);
            if (schemeProblem != null) {
                out.add("substream-url" + camera + ": " + schemeProblem);
            }
        }
        if (!(fps > 0 && fps <= 60)) {
            out.add("fps must be > 0 and <= 60, got " + fps);
        }
        if (maxWidth < 0) {
            out.add("max-width must be 0 (no resize) or a positive width, got " + maxWidth);
        }
        if (jpegQuality < 1 || jpegQuality > 100) {
            out.add("jpeg-quality must be 1..100, got " + jpegQuality);
        }
        if (transport == null || !(transport.equals("tcp") || transport.equals("udp"))) {
            out.add("transport must be 'tcp' or 'udp', got '" + transport + "'");
        }
        return out;
    }
}
