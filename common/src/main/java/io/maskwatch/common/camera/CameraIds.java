package io.maskwatch.common.camera;

import java.util.regex.Pattern;

/**
 * The one rule for camera ids: 1-64 of {@code [A-Za-z0-9._-]}. Ids become Kafka keys, metric labels
 * (a label per id: free text would explode series and could inject into logs) and URL path segments.
 * Checked at config load and when a frame's {@code mw.camera} header is read.
 */
public final class CameraIds {
    public static final int MAX_LENGTH = 64;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

    private CameraIds() {
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /** Null for a valid id, else "must be ..., got 'ID'", quoting the id safely (control characters escaped, cut at 80). */
    public static String problem(String id) {
        if (isValid(id)) {
            return null;
        }
        return "must be 1-" + MAX_LENGTH + " characters of letters, digits, '.', '_' or '-', got "
                + (id == null ? "nothing" : quote(id));
    }

    /** An untrusted id as it may appear in a log line or error. */
    public static String quote(String id) {
        StringBuilder sb = new StringBuilder("'");
        int n = Math.min(id.length(), 80);
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append(id.length() > n ? "...' (" + id.length() + " characters)" : "'").toString();
    }
}
