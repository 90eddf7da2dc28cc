package dev.burnrate.ledger;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A cost explorer question: sum one cost basis over charges whose ChargePeriodStart falls in
 * [from, to) (UTC days; either end may be open), grouped by fields and time buckets, where every
 * filter holds (values of one field are alternatives).
 */
public record CostQuery(List<Field> groupBy, LocalDate from, LocalDate to, Granularity granularity, CostBasis basis,
                        Map<Field, List<String>> filters) {
    public CostQuery {
        groupBy = List.copyOf(groupBy);
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(basis, "basis");
        filters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(filters));
        if (from != null && to != null && !to.isAfter(from)) {
            throw new IllegalArgumentException("'to' (" + to + ") must be after 'from' (" + from + "); the window is [from, to)");
        }
        if (groupBy.stream().distinct().count() != groupBy.size()) {
            throw new IllegalArgumentException("a field appears twice in the grouping: " + groupBy);
        }
    }
}
