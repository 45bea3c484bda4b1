package io.maskwatch.ingest.camera.ffmpeg;

import io.maskwatch.ingest.camera.SecretScrubber;
import io.maskwatch.ingest.camera.SourceKind;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;

/** Turns JavaCV/FFmpeg exception texts into messages an operator can act on, without secrets. */
public final class FfmpegErrors {
    private static final Pattern CODE = Pattern.compile("(\\w+\\(\\)) error (-?\\d+)");
    private static final String[] JAVACV_NOISE = {
        " (Has setFormat() been called?)",
        " (For more details, make sure FFmpegLogCallback.set() has been called.)",
    };

    private FfmpegErrors() {
    }

    /**
     * @param what    what was attempted, e.g. "cannot open"
     * @param message the exception's message (may contain the URL with credentials)
     * @param kind    the kind of source, for the hint
     */
    public static String explain(String what, String message, SecretScrubber scrubber, SourceKind kind) {
        String msg = message == null ? "unknown error" : scrubber.scrub(message);
        for (String noise : JAVACV_NOISE) {
            msg = msg.replace(noise, "");
        }
        Matcher m = CODE.matcher(msg);
        if (!m.find()) {
            return what + " " + scrubber.redactedUrl() + ": " + msg;
        }
        int code = Integer.parseInt(m.group(2));
        String reason = scrubber.scrub(errorText(code));
        String hint = hint(code, reason, kind);
        return what + " " + scrubber.redactedUrl() + ": " + reason + " (" + m.group(1) + " error " + code + ")"
                + (hint.isEmpty() ? "" : "; " + hint);
    }

    /** FFmpeg's text for an AVERROR code ("Connection refused", "Server returned 401 Unauthorized ..."). */
    public static String errorText(int code) {
        byte[] buf = new byte[256];
        if (avutil.av_strerror(code, buf, buf.length) < 0) {
            return "error " + code;
        }
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    static String hint(int code, String reason, SourceKind kind) {
        String r = reason.toLowerCase(Locale.ROOT);
        if (r.contains("401") || r.contains("unauthorized")) {
            return "the camera rejected the user name or password in the URL";
        }
        if (r.contains("403") || r.contains("forbidden")) {
            return "the camera refused access; check the user's permissions";
        }
        if (r.contains("404") || r.contains("not found") && !r.contains("no such file")) {
            return "the stream path does not exist on the camera; check the URL path";
        }
        return switch (code) {
            case -111 -> "nothing accepts connections at that host and port; check the address and that the camera is on";
            case -110 -> "no answer in time; check the network path to the camera (or raise ingest.stall-timeout-ms)";
            case -113, -101 -> "the camera's network is unreachable from this worker";
            case -2 -> "no such file or device";
            case -13 -> "permission denied; check file or device permissions";
            case -1094995529 -> kind.live()
                    ? "no readable video came back: wrong URL path or stream type, or the camera stopped answering"
                    : "this is not a video file FFmpeg can read (or it is truncated or corrupt)";
            default -> "";
        };
    }
}
