package io.maskwatch.common.camera;

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
}
