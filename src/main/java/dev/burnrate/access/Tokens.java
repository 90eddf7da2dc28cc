package dev.burnrate.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * API tokens: 256 random bits, shown once at creation and stored only as their SHA-256 (a hash is enough for a
 * secret of that entropy; nothing to brute-force). Authentication reads an in-memory copy refreshed every
 * {@link #REFRESH}, so a request costs no database query.
 */
public final class Tokens {
    static final Duration REFRESH = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A stored token, without its secret. */
    public record Token(String id, String name, String hash, Role role, Set<String> teams, Instant createdAt, Instant revokedAt) {
        public Token {
            teams = Set.copyOf(teams);
        }
    }

    public interface Store {
        void add(Token t);

        List<Token> all();

        boolean revoke(String id, Instant at);
    }

    /** A new token: its stored record and the secret, which is never stored. */
    public record Issued(Token token, String secret) {
    }

    private final Store store;
    private final Clock clock;
    private volatile Map<String, Token> byHash;
    private volatile Instant loadedAt = Instant.MIN;

    public Tokens(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Issued create(String name, Role role, Set<String> teams) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")) {
            throw new IllegalArgumentException("token name '" + name + "' must be 1-64 letters, digits, '.', '_', '@' or '-'");
        }
        if (all().stream().anyMatch(t -> t.name().equals(name) && t.revokedAt() == null)) {
            throw new IllegalArgumentException("a token named '" + name + "' exists; revoke it first");
        }
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String secret = "brt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Token t = new Token("tok-" + UUID.randomUUID().toString().substring(0, 8), name, hash(secret), role, teams, clock.instant(), null);
        store.add(t);
        loadedAt = Instant.MIN;
        return new Issued(t, secret);
    }

    public List<Token> all() {
        return store.all();
    }

    public boolean revoke(String id) {
        boolean done = store.revoke(id, clock.instant());
        loadedAt = Instant.MIN;
        return done;
    }

    /** Are there any live tokens? Without any the API is open, and may listen on loopback only. */
    public boolean enabled() {
        return !current().isEmpty();
    }

    public Optional<Principal> authenticate(String secret) {
        if (secret == null || secret.isBlank()) return Optional.empty();
        Token t = current().get(hash(secret.strip()));
        return t == null ? Optional.empty() : Optional.of(new Principal(t.name(), t.role(), t.teams()));
    }

    private Map<String, Token> current() {
        Instant now = clock.instant();
        if (byHash == null || !now.isBefore(loadedAt.plus(REFRESH))) {
            byHash = store.all().stream().filter(t -> t.revokedAt() == null).collect(Collectors.toUnmodifiableMap(Token::hash, t -> t));
            loadedAt = now;
        }
        return byHash;
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
