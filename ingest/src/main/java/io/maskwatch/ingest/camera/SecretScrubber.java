package io.maskwatch.ingest.camera;

import io.maskwatch.common.camera.CameraUrls;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes one camera URL's secrets from free text (FFmpeg messages, exception texts): the URL
 * itself, its user-info raw and percent-decoded, the password alone, the Base64 form that appears in
 * {@code Authorization: Basic} headers of FFmpeg's debug output, and secret query parameters.
 */
public final class SecretScrubber {
    private static final Pattern AUTH_HEADER = Pattern.compile("(?i)(authorization:\\s*\\S+\\s+)\\S+");
    /** Same parameter names as {@link CameraUrls#redact}. */
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)[?&](?:password|passwd|pwd|pass|user|username|token|auth|key|secret|api_key|apikey)=([^&#\\s]*)");
    private final String url;
    private final List<String> secrets = new ArrayList<>();

    public SecretScrubber(String url) {
        this.url = url;
        int scheme = url.indexOf("://");
        int slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
        int at = scheme < 0 ? -1 : url.lastIndexOf('@', slash < 0 ? url.length() : slash);
        if (scheme >= 0 && at > scheme + 3) {
            String userInfo = url.substring(scheme + 3, at);
            String decoded = decode(userInfo);
            add(userInfo);
            add(decoded);
            add(Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8)));
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                add(userInfo.substring(colon + 1));
                add(decode(userInfo.substring(colon + 1)));
            }
        }
        var m = SECRET_PARAM.matcher(url);
        while (m.find()) {
            add(m.group(1));
            add(decode(m.group(1)));
        }
        // longest first, so a password that is part of the user-info does not break its replacement
        secrets.sort((a, b) -> b.length() - a.length());
    }

    private void add(String s) {
        // one- and two-letter "secrets" would shred ordinary text; such passwords are masked in the URL forms only
        if (s != null && s.length() >= 3 && !secrets.contains(s)) {
            secrets.add(s);
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    public String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = CameraUrls.scrub(text, url);
        for (String s : secrets) {
            out = out.replace(s, "***");
        }
        out = AUTH_HEADER.matcher(out).replaceAll("$1***");
        return out;
    }

    public String redactedUrl() {
        return CameraUrls.redact(url);
    }
}
