package io.maskwatch.common.camera;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Camera URLs often carry passwords: this is the only form of a URL that may reach logs, metrics or errors. */
public final class CameraUrls {
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@\\s]*@");
    private static final Pattern SECRET_PARAMS = Pattern.compile(
            "(?i)([?&](?:password|passwd|pwd|pass|user|username|token|auth|key|secret|api_key|apikey)=)[^&#\\s]*");

    private CameraUrls() {
    }

    /** {@code rtsp://admin:secret@10.0.0.5/live?token=x} becomes {@code rtsp://***@10.0.0.5/live?token=***}. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        String s = USER_INFO.matcher(url).replaceAll("***@");
        return SECRET_PARAMS.matcher(s).replaceAll("$1***");
    }

    /** Replaces every occurrence of the raw URL (and its credentials) inside a message, e.g. an FFmpeg error. */
    public static String scrub(String message, String url) {
        if (message == null || url == null) {
            return message;
        }
        String out = message.replace(url, redact(url));
        int at = url.indexOf('@');
        int scheme = url.indexOf("://");
        if (at > 0 && scheme >= 0 && at > scheme) {
            String userInfo = url.substring(scheme + 3, at);
            if (!userInfo.isEmpty()) {
                out = out.replace(userInfo, "***");
            }
            int colon = userInfo.indexOf(':');
            if (colon >= 0 && colon + 1 < userInfo.length()) {
                out = out.replace(userInfo.substring(colon + 1), "***");
            }
        }
        return out;
    }

    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");
    private static final Pattern V4L2 = Pattern.compile("/dev/video\\d+");
    /** What ingest may open: anything else FFmpeg understands (udp, tcp, concat, pipe, ...) is refused. */
    public static final java.util.List<String> ALLOWED_SCHEMES = java.util.List.of("rtsp", "rtsps", "http", "https", "file");

    /**
     * Null when ingest may open {@code url} (an allowed scheme with {@code ://}, a file path, or
     * /dev/videoN), else why not. Never quotes the URL (it may carry a password), only its scheme.
     */
    public static String schemeProblem(String url) {
        if (url == null || url.isBlank()) {
            return null; // "required" is reported elsewhere
        }
        if (url.startsWith("/dev/")) {
            return V4L2.matcher(url).matches() ? null
                    : "of the devices only V4L2 webcams /dev/videoN are allowed";
        }
        Matcher m = SCHEME.matcher(url);
        if (!m.find() || m.group(1).length() == 1) {
            return null; // a file path (C:\\... is a Windows drive, not a scheme)
        }
        String scheme = m.group(1).toLowerCase(java.util.Locale.ROOT);
        if (ALLOWED_SCHEMES.contains(scheme) && url.startsWith("://", m.end() - 1)) {
            return null;
        }
        return "scheme '" + (scheme.length() > 20 ? scheme.substring(0, 20) + "..." : scheme)
                + "' is not allowed; use " + String.join("://, ", ALLOWED_SCHEMES) + "://, a file path or /dev/videoN";
    }
}
