package io.maskwatch.alerter.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Links to an alert's snapshots on the alerter API. When the API has a token, links carry a
 * per-alert signature ({@code ?sig=}) instead of the token: a link posted to a chat opens that
 * alert's images and nothing else, and the token itself never leaves the service.
 */
public final class SnapshotLinks {
    private final Supplier<String> baseUrl;
    private final byte[] key;

    /**
     * @param baseUrl  public base URL without trailing slash (resolved lazily: the HTTP port may be chosen at start)
     * @param apiToken the API token, or null when the API is open
     */
    public SnapshotLinks(Supplier<String> baseUrl, String apiToken) {
        this.baseUrl = baseUrl;
        this.key = apiToken == null ? null : apiToken.getBytes(StandardCharsets.UTF_8);
    }

    public String baseUrl() {
        return baseUrl.get();
    }

    public String face(String alertId) {
        return image(alertId, "face.jpg");
    }

    public String heatmap(String alertId) {
        return image(alertId, "heatmap.jpg");
    }

    /** The web page, showing this alert. */
    public String page(String alertId) {
        return baseUrl.get() + "/?alert=" + segment(alertId);
    }

    private String image(String alertId, String file) {
        String url = baseUrl.get() + "/api/alerts/" + segment(alertId) + "/" + file;
        return key == null ? url : url + "?sig=" + signature(alertId);
    }

    /** An id as one URL path segment (ids come from camera ids, which the detector does not restrict). */
    public static String segment(String id) {
        return java.net.URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public String signature(String alertId) {
        if (key == null) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] d = mac.doFinal(("maskwatch-alert:" + alertId).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public boolean verify(String alertId, String sig) {
        String expected = signature(alertId);
        return expected != null && sig != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), sig.getBytes(StandardCharsets.US_ASCII));
    }
}
