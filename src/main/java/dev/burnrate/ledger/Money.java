package dev.burnrate.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Objects;

/**
 * An exact amount in one ISO 4217 currency. Amounts of different currencies are never added.
 *
 * <p>Two renderings: {@link #plain()} is exact, for JSON and CSV (where amounts travel as decimal strings);
 * {@link #display()} is for people (tables, summaries, alert titles and messages): rounded to the currency's minor
 * unit ({@link Currency#getDefaultFractionDigits()}: 2 for USD and EUR, 0 for JPY, 3 for KWD) with
 * {@link RoundingMode#HALF_UP}, the rule of invoices and of a spreadsheet's ROUND, so a practitioner who checks a
 * shown figure against the exact CSV gets the same digits. Only what is shown is rounded; sums are taken first, on
 * exact amounts.
 */
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

    /** The rounding used for everything shown to people. */
    public static final RoundingMode DISPLAY_ROUNDING = RoundingMode.HALF_UP;

    /** For people: rounded to the currency's minor unit, e.g. {@code 1234.565 USD → "1234.57"}. */
    public String display() {
        return display(amount, currency);
    }

    /** For people, with the currency: {@code "1234.57 USD"}. */
    public String displayWithCurrency() {
        return display() + " " + currency;
    }

    /**
     * An amount for people: rounded to the minor unit of {@code currency} (half up); an unknown code (or one without
     * a minor unit, such as XAU) keeps the exact amount rather than guessing.
     */
    public static String display(BigDecimal amount, String currency) {
        int digits = minorDigits(currency);
        return digits < 0 ? plain(amount) : amount.setScale(digits, DISPLAY_ROUNDING).toPlainString();
    }

    /**
     * A unit rate for people (price per hour, cost per inference or per 1k tokens): four more digits than the
     * minor unit, trailing zeros beyond the minor unit dropped, since rounding a rate of 0.0004 USD to cents would
     * show 0.00.
     */
    public static String displayRate(BigDecimal rate, String currency) {
        int digits = minorDigits(currency);
        if (digits < 0) return plain(rate);
        BigDecimal r = rate.setScale(digits + 4, DISPLAY_ROUNDING).stripTrailingZeros();
        return (r.scale() < digits ? r.setScale(digits) : r).toPlainString();
    }

    /** The ISO 4217 minor unit of a currency (2 for USD), or -1 when unknown or undefined. */
    public static int minorDigits(String currency) {
        if (!isKnownCurrency(currency)) return -1;
        return Currency.getInstance(currency).getDefaultFractionDigits();
    }

    /** Exact, for logs and debugging; people see {@link #displayWithCurrency()}. */
    @Override
    public String toString() {
        return plain() + " " + currency;
    }
}
