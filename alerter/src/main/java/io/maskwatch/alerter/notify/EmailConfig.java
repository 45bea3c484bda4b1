package io.maskwatch.alerter.notify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * SMTP settings of a sink of type {@code email}. The password is never part of the config: it is
 * read at start from the environment variable {@code password-env} or the file {@code password-file}
 * (a mounted Secret), so it appears in no YAML, ConfigMap or log.
 *
 * @param host          SMTP server
 * @param port          default 587 for starttls, 465 for tls, 25 for none
 * @param security      {@code starttls} (default: upgrade required, never sends in clear), {@code tls}
 *                      (implicit TLS, "SMTPS") or {@code none} (only for a relay on localhost or in the pod)
 * @param username      login; none = no authentication
 * @param passwordEnv   name of the environment variable holding the password
 * @param passwordFile  file holding the password (trailing newline ignored)
 * @param from          sender address
 * @param to            recipients (at least one)
 * @param maxImages     alerts whose face and heat map are embedded in one e-mail (default 10; the rest are links)
 * @param digest        opt-in compliance digest: {@code hourly} or {@code daily} (one e-mail per period with
 *                      per-camera compliance and alert counts); none by default
 * @param digestZone    time zone of the periods (default UTC), e.g. Europe/Berlin
 * @param digestHour    for daily: the hour (0-23, in digest-zone) the day starts and the digest is sent (default 0)
 */
public record EmailConfig(
        String host,
        Integer port,
        String security,
        String username,
        String passwordEnv,
        String passwordFile,
        String from,
        List<String> to,
        Integer maxImages,
        String digest,
        String digestZone,
        Integer digestHour) {

    public static final List<String> SECURITY = List.of("starttls", "tls", "none");
    public static final List<String> DIGESTS = List.of("hourly", "daily");

    public EmailConfig(String host, Integer port, String security, String username, String passwordEnv,
                       String passwordFile, String from, List<String> to, Integer maxImages) {
        this(host, port, security, username, passwordEnv, passwordFile, from, to, maxImages, null, null, null);
    }

    /** The same settings with a digest. */
    public EmailConfig withDigest(String period, String zone, Integer hour) {
        return new EmailConfig(host, port, security, username, passwordEnv, passwordFile, from, to, maxImages, period,
                zone, hour);
    }

    /** The digest's time zone. */
    public java.time.ZoneId zone() {
        return java.time.ZoneId.of(digestZone);
    }

    public EmailConfig {
        security = security == null ? "starttls" : security.toLowerCase(Locale.ROOT);
        port = port != null ? port : switch (security) {
            case "tls" -> 465;
            case "none" -> 25;
            default -> 587;
        };
        to = to == null ? List.of() : List.copyOf(to);
        maxImages = maxImages == null ? 10 : maxImages;
        digest = digest == null || digest.isBlank() || digest.equalsIgnoreCase("none") ? null : digest.toLowerCase(Locale.ROOT);
        digestZone = digestZone == null ? "UTC" : digestZone;
        digestHour = digestHour == null ? 0 : digestHour;
    }

    /** Problems relative to this mapping (the caller prefixes {@code ...sinks[i].email.}). */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (host == null || host.isBlank()) {
            out.add("host is required (the SMTP server)");
        }
        if (port < 1 || port > 65535) {
            out.add("port must be 1..65535, got " + port);
        }
        if (!SECURITY.contains(security)) {
            out.add("security must be one of " + SECURITY + ", got '" + security + "'");
        }
        if (!isAddress(from)) {
            out.add("from must be an e-mail address, got " + (from == null ? "nothing" : "'" + from + "'"));
        }
        if (to.isEmpty()) {
            out.add("to must list at least one recipient");
        }
        for (int i = 0; i < to.size(); i++) {
            if (!isAddress(to.get(i))) {
                out.add("to[" + i + "] must be an e-mail address, got '" + to.get(i) + "'");
            }
        }
        boolean hasUser = username != null && !username.isBlank();
        if (hasUser && (passwordEnv == null) == (passwordFile == null)) {
            out.add("with a username, set exactly one of password-env (an environment variable's name) or "
                    + "password-file (a mounted secret); the password itself never goes into the config");
        }
        if (!hasUser && (passwordEnv != null || passwordFile != null)) {
            out.add("password-env/password-file need a username");
        }
        if (passwordEnv != null && !passwordEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            out.add("password-env must be the NAME of an environment variable (e.g. SMTP_PASSWORD), not the password");
        }
        if (digest != null && !DIGESTS.contains(digest)) {
            out.add("digest must be one of " + DIGESTS + " (or none), got '" + digest + "'");
        }
        try {
            java.time.ZoneId.of(digestZone);
        } catch (java.time.DateTimeException e) {
            out.add("digest-zone must be a time zone id such as UTC or Europe/Berlin, got '" + digestZone + "'");
        }
        if (digestHour < 0 || digestHour > 23) {
            out.add("digest-hour must be 0..23 (the hour a daily digest's day starts, in digest-zone), got " + digestHour);
        }
        if (maxImages < 0 || maxImages > 50) {
            out.add("max-images must be 0..50, got " + maxImages);
        }
        return out;
    }

    /** One address, bare or with a display name ({@code MaskWatch <mw@example.com>}). */
    static boolean isAddress(String s) {
        if (s == null) {
            return false;
        }
        try {
            jakarta.mail.internet.InternetAddress a = new jakarta.mail.internet.InternetAddress(s.strip(), true);
            return a.getAddress().matches("[^@\\s]+@[^@\\s]+");
        } catch (jakarta.mail.internet.AddressException e) {
            return false;
        }
    }

    /**
     * The password, or null without a username.
     *
     * @throws IllegalArgumentException naming the variable or file (never the value) when it is missing or empty
     */
    public String password(Function<String, String> env) {
        if (username == null || username.isBlank()) {
            return null;
        }
        String p;
        if (passwordEnv != null) {
            p = env.apply(passwordEnv);
            if (p == null || p.isEmpty()) {
                throw new IllegalArgumentException("email.password-env: environment variable " + passwordEnv
                        + " is not set or empty; set it to the SMTP password");
            }
            return p;
        }
        try {
            p = Files.readString(Path.of(passwordFile)).strip();
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("email.password-file: cannot read " + passwordFile + " ("
                    + e.getClass().getSimpleName() + "); mount the SMTP password there");
        }
        if (p.isEmpty()) {
            throw new IllegalArgumentException("email.password-file: " + passwordFile + " is empty");
        }
        return p;
    }
}
