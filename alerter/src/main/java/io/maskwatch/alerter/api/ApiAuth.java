package io.maskwatch.alerter.api;

import com.sun.net.httpserver.HttpExchange;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may use the API: a read-only token and an optional admin token (for the changing endpoints:
 * acknowledge, false alarm, erase; {@code review.ReviewApi}), presented as {@code Authorization: Bearer TOKEN} or as the HttpOnly
 * session cookie that signing in on the page (or a one-time login link) sets. Tokens are never
 * accepted in URLs: URLs end up in logs, browser history and Referer headers.
 */
public final class ApiAuth {
    /** What a caller may do; ADMIN includes READ. */
    public enum Role { READ, ADMIN }

    public static final int MIN_TOKEN_LENGTH = 16;
    static final String COOKIE = "mw_session";
    static final long LOGIN_CODE_TTL_MS = 10 * 60_000;

    private final byte[] readToken;
    private final byte[] adminToken;
    private final String readSession;
    private final String adminSession;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** One-time login codes, the role each signs in with and when it expires; each works once. */
    private final Map<String, LoginCode> loginCodes = new ConcurrentHashMap<>();

    private record LoginCode(Role role, long expiresMs) {
    }

    public ApiAuth(String apiToken, String adminToken, Clock clock) {
        if (apiToken == null || apiToken.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("an API token of at least " + MIN_TOKEN_LENGTH + " characters is required");
        }
        this.readToken = apiToken.getBytes(StandardCharsets.UTF_8);
        this.adminToken = adminToken == null ? null : adminToken.getBytes(StandardCharsets.UTF_8);
        // The cookie holds a value derived from the token, not the token: a stolen cookie does not give the
        // bearer token, and rotating the token ends every session.
        this.readSession = derive(readToken);
        this.adminSession = this.adminToken == null ? null : derive(this.adminToken);
        this.clock = clock;
    }

    /** The caller's role from its bearer token or session cookie; empty when it presented nothing valid. */
    public Optional<Role> roleOf(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            return auth.regionMatches(true, 0, "Bearer ", 0, 7) ? roleOfToken(auth.substring(7).trim()) : Optional.empty();
        }
        String session = cookie(ex, COOKIE);
        if (session == null) {
            return Optional.empty();
        }
        byte[] s = session.getBytes(StandardCharsets.UTF_8);
        // Both comparisons always run: the time taken does not tell which one matched.
        boolean admin = adminSession != null && MessageDigest.isEqual(adminSession.getBytes(StandardCharsets.UTF_8), s);
        boolean read = MessageDigest.isEqual(readSession.getBytes(StandardCharsets.UTF_8), s);
        return admin ? Optional.of(Role.ADMIN) : read ? Optional.of(Role.READ) : Optional.empty();
    }

    /** The role a token grants; short and wrong tokens grant none. */
    public Optional<Role> roleOfToken(String token) {
        if (token == null || token.length() < MIN_TOKEN_LENGTH) {
            return Optional.empty();
        }
        byte[] t = token.getBytes(StandardCharsets.UTF_8);
        boolean admin = adminToken != null && MessageDigest.isEqual(adminToken, t);
        boolean read = MessageDigest.isEqual(readToken, t);
        return admin ? Optional.of(Role.ADMIN) : read ? Optional.of(Role.READ) : Optional.empty();
    }

    /** Whether {@code have} may do what {@code needed} guards. */
    public static boolean allows(Optional<Role> have, Role needed) {
        return have.isPresent() && (have.get() == Role.ADMIN || needed == Role.READ);
    }

    /** Sets the session cookie for {@code role}: HttpOnly (scripts cannot read it), SameSite=Strict (no CSRF). */
    void setSession(HttpExchange ex, Role role) {
        String value = role == Role.ADMIN ? adminSession : readSession;
        ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Strict"
                + (secure(ex) ? "; Secure" : ""));
    }

    void clearSession(HttpExchange ex) {
        ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
                + (secure(ex) ? "; Secure" : ""));
    }

    /**
     * A random code for a one-time read-only login link ({@code /login?code=...}), valid
     * {@value #LOGIN_CODE_TTL_MS} ms; for a process that already holds the token (the demo) to sign its
     * user in without the token ever appearing in a URL.
     */
    public String issueLoginCode() {
        return issueLoginCode(Role.READ);
    }

    /** As {@link #issueLoginCode()}, signing in with {@code role}; ADMIN needs an admin token configured. */
    public String issueLoginCode(Role role) {
        if (role == Role.ADMIN && adminToken == null) {
            throw new IllegalStateException("no admin token is configured (alerter.admin-token): an admin login link cannot be issued");
        }
        long now = clock.millis();
        loginCodes.values().removeIf(c -> c.expiresMs() < now);
        byte[] b = new byte[24];
        random.nextBytes(b);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        loginCodes.put(code, new LoginCode(role, now + LOGIN_CODE_TTL_MS));
        return code;
    }

    /** Uses up a login code: its role, once, for a code issued in the last {@value #LOGIN_CODE_TTL_MS} ms. */
    Optional<Role> redeem(String code) {
        if (code == null) {
            return Optional.empty();
        }
        LoginCode c = loginCodes.remove(code);
        return c != null && c.expiresMs() >= clock.millis() ? Optional.of(c.role()) : Optional.empty();
    }

    private static boolean secure(HttpExchange ex) {
        // Behind a TLS-terminating proxy the cookie must not travel over plain HTTP again.
        return "https".equalsIgnoreCase(ex.getRequestHeaders().getFirst("X-Forwarded-Proto"));
    }

    static String cookie(HttpExchange ex, String name) {
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String part : header.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0 && part.substring(0, eq).trim().equals(name)) {
                    return part.substring(eq + 1).trim();
                }
            }
        }
        return null;
    }

    private static String derive(byte[] token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal("maskwatch-session-v1".getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
