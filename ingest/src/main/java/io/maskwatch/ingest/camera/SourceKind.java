package io.maskwatch.ingest.camera;

import java.util.Locale;
import java.util.regex.Pattern;

/** What a camera URL points at; decides FFmpeg options, timing and end-of-stream handling. */
public enum SourceKind {
    /** rtsp:// or rtsps:// (IP cameras, NVRs). */
    RTSP(true),
    /** http:// or https:// (MJPEG cameras, HLS, progressive video). */
    HTTP(true),
    /** /dev/videoN: a local webcam through V4L2. */
    WEBCAM(true),
    /** Another live protocol FFmpeg understands (udp://, srt://, rtmp://, tcp://). */
    STREAM(true),
    /** A local video file (path or file:// URL); can loop for demos. */
    FILE(false);

    private static final Pattern V4L2 = Pattern.compile("/dev/video\\d+");
    private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*)://");

    private final boolean live;

    SourceKind(boolean live) {
        this.live = live;
    }

    /** Live sources are timed by arrival and reconnected when they end; files end (or loop). */
    public boolean live() {
        return live;
    }

    public static SourceKind of(String url) {
        if (V4L2.matcher(url).matches()) {
            return WEBCAM;
        }
        var m = SCHEME.matcher(url);
        if (!m.find()) {
            return FILE;
        }
        return switch (m.group(1).toLowerCase(Locale.ROOT)) {
            case "rtsp", "rtsps" -> RTSP;
            case "http", "https" -> HTTP;
            case "file" -> FILE;
            default -> STREAM;
        };
    }
}
