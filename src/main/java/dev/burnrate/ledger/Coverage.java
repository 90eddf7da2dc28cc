package dev.burnrate.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/** Share of effective cost that carries each dimension (is not {@code __unallocated__}), per currency. */
public record Coverage(List<Line> lines) {
    public record Line(String dimension, String currency, BigDecimal tagged, BigDecimal total) {
        /** Percent of total cost that is tagged, 2 decimals; null when the total is zero. */
        public BigDecimal percent() {
            if (total.signum() == 0) return null;
            return tagged.multiply(BigDecimal.valueOf(100)).divide(total, 2, RoundingMode.HALF_EVEN);
        }
    }
}
