package dev.burnrate.budget;

import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.Money;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A spending limit over a scope (a filter on dimensions or FOCUS columns) for a period, with thresholds
 * that raise alerts on actual or forecast spend.
 */
public record Budget(String id, Map<Field, List<String>> scope, Period period, Money amount, List<Threshold> thresholds,
                     Tier tier, List<String> owners, List<String> channels) {

    public enum Tier { CRITICAL, HIGH, NORMAL, LOW }

    /** What a crossed threshold does: the alert's severity. */
    public enum Action { NOTIFY, TICKET, PAGE }

    public enum Basis { ACTUAL, FORECAST }

    public record Threshold(BigDecimal percent, Basis basis, Action action) {
        public Threshold {
            Objects.requireNonNull(percent, "percent");
            Objects.requireNonNull(basis, "basis");
            Objects.requireNonNull(action, "action");
            if (percent.signum() <= 0) throw new IllegalArgumentException("threshold percent must be positive, was " + percent);
        }

        /** "80% actual" */
        public String label() {
            return Money.plain(percent) + "% " + basis.name().toLowerCase();
        }
    }

    /** Monthly, quarterly, or a custom [start, end) range, in UTC days. */
    public record Period(Kind kind, LocalDate start, LocalDate end) {
        public enum Kind { MONTHLY, QUARTERLY, CUSTOM }

        public Period {
            Objects.requireNonNull(kind, "kind");
            if (kind == Kind.CUSTOM && (start == null || end == null || !end.isAfter(start))) {
                throw new IllegalArgumentException("a custom period needs start and end, end after start");
            }
        }

        /** The period instance holding {@code day}: [first day, first day of the next). */
        public LocalDate[] around(LocalDate day) {
            return switch (kind) {
                case MONTHLY -> new LocalDate[]{day.withDayOfMonth(1), day.withDayOfMonth(1).plusMonths(1)};
                case QUARTERLY -> {
                    LocalDate q = day.withDayOfMonth(1).withMonth(((day.getMonthValue() - 1) / 3) * 3 + 1);
                    yield new LocalDate[]{q, q.plusMonths(3)};
                }
                case CUSTOM -> new LocalDate[]{start, end};
            };
        }
    }

    public Budget {
        Objects.requireNonNull(id, "id");
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("budget id '" + id + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        scope = Map.copyOf(scope);
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(amount, "amount");
        if (amount.amount().signum() <= 0) throw new IllegalArgumentException("budget " + id + ": amount must be positive, was " + amount);
        thresholds = List.copyOf(thresholds);
        tier = tier == null ? Tier.NORMAL : tier;
        owners = List.copyOf(owners);
        channels = List.copyOf(channels);
    }
}
