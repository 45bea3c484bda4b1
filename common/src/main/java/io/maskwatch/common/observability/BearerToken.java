package io.maskwatch.common.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Predicate;

/**
 * The token that guards the HTTP endpoints of ingest and detector ({@code /metrics}, ingest's
 * {@code /cameras}): {@code Authorization: Bearer TOKEN}, never in a URL. Comparison is in constant
 * time over SHA-256 digests, so neither the content nor the length of the token leaks through timing.
 */
public final class BearerToken implements Predicate<HttpExchange> {
    /** Shortest accepted token: 16 random characters are out of reach of guessing. */
    public static final int MIN_LENGTH = 16;
    private final byte[] digest;

    private BearerToken(String token) {
        if (token == null || token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("a token needs at least " + MIN_LENGTH + " characters");
        }
        this.digest = sha256(token);
    }

    public static BearerToken of(String token) {
        return new BearerToken(token);
    }

    /** The problem with a configured token (null = none), for config validation; never echoes it. */
    public static String problem(String key, String token) {
        return token != null && token.length() < MIN_LENGTH
                ? key + " must be at least " + MIN_LENGTH + " characters (e.g. the output of 'openssl rand -hex 32')"
                : null;
    }

    /**
     * The start-up refusal when a service's token is missing: what it guards and how to set it.
     *
     * @param section config section, e.g. {@code ingest}
     * @param why     what the token guards, as a sentence without its full stop
     */
    public static String required(String section, String why) {
        return section + ".api-token is not set: " + why + ". Set MASKWATCH_"
                + section.toUpperCase(java.util.Locale.ROOT) + "_API_TOKEN (e.g. to the output of 'openssl rand -hex 32') "
                + "or " + section + ".api-token in the config file; Prometheus sends 'Authorization: Bearer TOKEN'";
    }

    @Override
    public boolean test(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(auth.substring(7).trim()));
    }

    /** {@code handler} for requests with the token; 401 without detail for the others. */
    public HttpHandler guard(HttpHandler handler) {
        return ex -> {
            if (test(ex)) {
                handler.handle(ex);
            } else {
                ServiceHttpServer.unauthorized(ex);
            }
        };
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
