package dev.burnrate.ledger;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MoneyTest {
    @Test
    void plus_sameCurrency_isExact() {
        assertThat(Money.of("0.1", "USD").plus(Money.of("0.2", "USD"))).isEqualTo(Money.of("0.3", "USD"));
    }

    @Test
    void plus_differentCurrencies_isRefused() {
        assertThatThrownBy(() -> Money.of("1", "USD").plus(Money.of("1", "EUR")))
                .hasMessageContaining("cannot add EUR to USD");
    }

    @Test
    void construct_badCurrencyCode_isRefused() {
        assertThatThrownBy(() -> Money.of("1", "usd")).hasMessageContaining("ISO 4217");
        assertThat(Money.isKnownCurrency("XYZ")).isFalse();
        assertThat(Money.isKnownCurrency("EUR")).isTrue();
    }

    @Test
    void window_endNotAfterStart_isRefused() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        assertThatThrownBy(() -> new Window(t, t)).hasMessageContaining("must be after");
        assertThat(new Window(t, t.plusSeconds(1)).contains(t)).isTrue();
    }

    @Test
    void parser_filtersAndGroups_resolveCaseInsensitively() {
        CostQuery q = CostQueryParser.parse("Team, servicename", "2026-01-01", "2026-02-01", "WEEK", "billed",
                java.util.List.of("team=fraud", "team:search", "ProviderName=AWS"));
        assertThat(q.groupBy()).extracting(Field::name).containsExactly("team", "ServiceName");
        assertThat(q.filters().get(new Field(Field.Kind.DIMENSION, "team"))).containsExactly("fraud", "search");
        assertThat(q.granularity()).isEqualTo(Granularity.WEEK);
        assertThatThrownBy(() -> CostQueryParser.parse(null, "2026-02-01", "2026-01-01", null, null, null))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("to=2026-01-01");
        assertThatThrownBy(() -> CostQueryParser.parse(null, null, null, null, "amortised", null))
                .hasMessageContaining("basis=amortised");
        assertThatThrownBy(() -> CostQueryParser.parse("BilledCost", null, null, null, null, null))
                .hasMessageContaining("groupBy=BilledCost");
    }

    @Test
    void display_roundsToTheCurrencysMinorUnitHalfUp_whilePlainStaysExact() {
        assertThat(Money.of("1234.565", "USD").display()).isEqualTo("1234.57");
        assertThat(Money.of("1234.565", "USD").plain()).isEqualTo("1234.565");
        assertThat(Money.of("-0.125", "EUR").displayWithCurrency()).isEqualTo("-0.13 EUR");
        assertThat(Money.of("10", "USD").display()).isEqualTo("10.00");
        assertThat(Money.of("1500.5", "JPY").display()).isEqualTo("1501");
        assertThat(Money.of("1.23456", "KWD").display()).isEqualTo("1.235");
        assertThat(Money.of("1.23456", "XYZ").display()).isEqualTo("1.23456"); // unknown code: nothing to round to
    }

    @Test
    void displayRate_keepsFourDigitsBeyondTheMinorUnit_soSmallRatesDoNotShowAsZero() {
        assertThat(Money.displayRate(new java.math.BigDecimal("0.000412345"), "USD")).isEqualTo("0.000412");
        assertThat(Money.displayRate(new java.math.BigDecimal("32.7726"), "USD")).isEqualTo("32.7726");
        assertThat(Money.displayRate(new java.math.BigDecimal("3"), "USD")).isEqualTo("3.00");
    }
}
