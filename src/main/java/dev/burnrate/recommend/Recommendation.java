package dev.burnrate.recommend;

import dev.burnrate.ledger.Money;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One way to spend less: what to change ({@code target}, {@code action}), why ({@code evidence}), how much a month it
 * saves at the prices the bill shows (effective cost, after discounts; one currency, never a sum across currencies),
 * how risky it is, and where it stands ({@code state}). The id is derived from kind and target, so computing the
 * recommendations again finds the same one (and the state people gave it).
 */
public record Recommendation(String id, Kind kind, String team, String target, Evidence evidence, Money monthlySaving, Risk risk,
                             String action, State state) {
    /** A month, for every monthly figure: 30 days (720 hours), so a 30-day lookback is its own month and 3 days × 10 is one. */
    public static final int DAYS_PER_MONTH = 30;

    public enum Kind {
        RIGHTSIZE, IDLE, SCHEDULE, SPOT, COMMITMENT, INFERENCE, STORAGE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** rightsize, IDLE, Commitment (any case). */
        public static Kind parse(String s) {
            for (Kind k : values()) if (k.name().equalsIgnoreCase(s.strip())) return k;
            // a parameter error (the API's problem names it, as for every other query parameter)
            throw new dev.burnrate.ledger.InvalidParameterException("kind", s, "not one of rightsize, idle, schedule, spot, commitment, inference, storage");
        }
    }

    public enum Risk {
        LOW, MEDIUM, HIGH;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What the recommendation rests on: the window the numbers come from, the rule in words, and the numbers by name
     * (decimal strings, exact; in the order they were found).
     */
    public record Evidence(Instant from, Instant to, String rule, Map<String, String> numbers) {
        public Evidence {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(rule, "rule");
            numbers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(numbers));
        }
    }

    public enum Status {
        OPEN, ACCEPTED, DISMISSED, IMPLEMENTED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Where a recommendation stands: open; accepted; dismissed, always with the reason; implemented (its realised
     * saving is measured from the bills afterwards, see {@link RealisedSavings}). {@code actor} and {@code at} say who
     * moved it there and when (null while open); {@code acceptedAt} when it was accepted, kept once it is implemented.
     */
    public record State(Status status, String reason, String actor, Instant at, Instant acceptedAt) {
        public static final State OPEN = new State(Status.OPEN, null, null, null, null);

        public State {
            Objects.requireNonNull(status, "status");
            if (status == Status.DISMISSED && (reason == null || reason.isBlank())) {
                throw new IllegalArgumentException("a dismissal needs a reason");
            }
            if (status == Status.IMPLEMENTED && at == null) {
                throw new IllegalArgumentException("an implemented recommendation needs the time it was implemented");
            }
        }

        public static State accepted(String actor, Instant at) {
            return new State(Status.ACCEPTED, null, actor, at, at);
        }

        public static State dismissed(String reason, String actor, Instant at) {
            return new State(Status.DISMISSED, reason == null ? null : reason.strip(), actor, at, null);
        }

        /** Implemented at {@code at}; {@code acceptedAt}: when it was accepted before, or null when it went straight to implemented. */
        public static State implemented(String actor, Instant at, Instant acceptedAt) {
            return new State(Status.IMPLEMENTED, null, actor, at, acceptedAt);
        }
    }

    public Recommendation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(monthlySaving, "monthlySaving");
        Objects.requireNonNull(risk, "risk");
        Objects.requireNonNull(action, "action");
        if (monthlySaving.amount().signum() <= 0) throw new IllegalArgumentException("a recommendation saves something: " + monthlySaving);
        state = state == null ? State.OPEN : state;
    }

    /** A new, open recommendation with its id derived from kind and target. */
    public static Recommendation open(Kind kind, String team, String target, Evidence evidence, Money monthlySaving, Risk risk, String action) {
        return new Recommendation(idOf(kind, target), kind, team, target, evidence, monthlySaving, risk, action, State.OPEN);
    }

    public Recommendation withState(State s) {
        return new Recommendation(id, kind, team, target, evidence, monthlySaving, risk, action, s);
    }

    /** {@code idle-} and 12 hex digits of SHA-256 over kind and target: the same target gets the same id on every run. */
    public static String idOf(Kind kind, String target) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((kind.name() + "\n" + target).getBytes(StandardCharsets.UTF_8));
            return kind.label() + "-" + HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
