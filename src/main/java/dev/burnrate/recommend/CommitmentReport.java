package dev.burnrate.recommend;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.List;

/**
 * How the existing commitments (savings plans, reservations) did over [from, to), from the FOCUS
 * {@code CommitmentDiscount*} columns: each commitment's utilisation, and the coverage of each service it applied to.
 */
public record CommitmentReport(LocalDate from, LocalDate to, List<Commitment> commitments, List<ServiceCoverage> coverage) {
    public CommitmentReport {
        commitments = List.copyOf(commitments);
        coverage = List.copyOf(coverage);
    }

    /**
     * One commitment in one currency: the effective cost of the usage it covered (status {@code Used}) and of the part
     * nothing used (status {@code Unused}), the list cost of the covered usage (what it would have cost on demand), and
     * how many rows each came from.
     */
    public record Commitment(String id, String name, String type, String provider, String currency, BigDecimal usedEffective, BigDecimal unusedEffective,
                             BigDecimal usedList, long usedRows, long unusedRows) {
        /** used / (used + unused) effective cost, to 6 places; null when the bill gives no dollars to go by. */
        public BigDecimal utilisation() {
            BigDecimal all = usedEffective.add(unusedEffective);
            return all.signum() == 0 ? null : usedEffective.divide(all, 6, RoundingMode.HALF_EVEN);
        }
    }

    /**
     * One service a commitment applied to, in one currency, at list cost (the on-demand equivalent, so covered and
     * uncovered usage compare): usage covered by a commitment, and usage billed on demand ({@code PricingCategory}
     * Standard).
     */
    public record ServiceCoverage(String service, String currency, BigDecimal coveredList, BigDecimal onDemandList) {
        /** covered / (covered + on demand), to 6 places; null when neither has a list cost. */
        public BigDecimal coverage() {
            BigDecimal all = coveredList.add(onDemandList);
            return all.signum() == 0 ? null : coveredList.divide(all, 6, RoundingMode.HALF_EVEN);
        }
    }
}
