package dev.burnrate.ledger;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Objects;

/** An exact amount in one ISO 4217 currency. Amounts of different currencies are never added. */
public record Money(BigDecimal amount, String currency) {
    public Money {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
        if (!currency.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("currency must be an ISO 4217 code, was '" + currency + "'");
        }
    }

    public static Money zero(String currency) {
        return new Money(BigDecimal.ZERO, currency);
    }

    public static Money of(String amount, String currency) {
        return new Money(new BigDecimal(amount), currency);
    }

    public Money plus(Money other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("cannot add " + other.currency + " to " + currency + ": amounts of different currencies are never added");
        }
        return new Money(amount.add(other.amount), currency);
    }

    /** True when the currency is a known ISO 4217 code. */
    public static boolean isKnownCurrency(String code) {
        if (code == null || !code.matches("[A-Z]{3}")) return false;
        try {
            Currency.getInstance(code);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Same value regardless of trailing zeros, for display and JSON. */
    public String plain() {
        return plain(amount);
    }

    /** An exact decimal without trailing zeros or exponent: 1.500 → "1.5", 1E+2 → "100". */
    public static String plain(BigDecimal amount) {
        BigDecimal s = amount.stripTrailingZeros();
        return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
    }

    @Override
    public String toString() {
        return plain() + " " + currency;
    }
}
