package dev.burnrate.ledger;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link CostQuery} from the strings a person types (CLI) or sends (REST), naming the parameter
 * that is wrong. Both adapters use it, so they accept exactly the same language.
 */
public final class CostQueryParser {
    private CostQueryParser() {
    }

    /**
     * @param groupBy     comma-separated fields, may be null or blank
     * @param filters     each {@code FIELD=VALUE} or {@code FIELD:VALUE}; values of one field are alternatives
     */
    public static CostQuery parse(String groupBy, String from, String to, String granularity, String basis, List<String> filters) {
        List<Field> fields = new ArrayList<>();
        if (groupBy != null && !groupBy.isBlank()) {
            for (String g : groupBy.split(",")) {
                if (g.isBlank()) continue;
                fields.add(field("groupBy", g));
            }
        }
        Map<Field, List<String>> f = new LinkedHashMap<>();
        for (String spec : filters == null ? List.<String>of() : filters) {
            int i = indexOfSeparator(spec);
            if (i <= 0 || i == spec.length() - 1) {
                throw new InvalidParameterException("filter", spec, "expected FIELD=VALUE (or FIELD:VALUE), e.g. team=fraud");
            }
            Field field = field("filter", spec.substring(0, i));
            f.computeIfAbsent(field, k -> new ArrayList<>()).add(spec.substring(i + 1));
        }
        Granularity g;
        try {
            g = granularity == null || granularity.isBlank() ? Granularity.NONE : Granularity.parse(granularity);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("granularity", granularity, "expected one of " + Granularity.names());
        }
        CostBasis b;
        try {
            b = basis == null || basis.isBlank() ? CostBasis.EFFECTIVE : CostBasis.parse(basis);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("basis", basis, "expected one of " + CostBasis.names());
        }
        LocalDate fromDate = date("from", from);
        LocalDate toDate = date("to", to);
        if (fromDate != null && toDate != null && !toDate.isAfter(fromDate)) {
            throw new InvalidParameterException("to", to, "must be after from=" + from + " (the window is [from, to))");
        }
        try {
            return new CostQuery(fields, fromDate, toDate, g, b, f);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("groupBy", groupBy, e.getMessage());
        }
    }

    private static int indexOfSeparator(String spec) {
        int eq = spec.indexOf('=');
        int colon = spec.indexOf(':');
        if (eq < 0) return colon;
        if (colon < 0) return eq;
        return Math.min(eq, colon);
    }

    private static Field field(String parameter, String name) {
        return Field.parse(name).orElseThrow(() -> new InvalidParameterException(parameter, name.strip(),
                "unknown dimension or column; expected " + Field.accepted()));
    }

    public static LocalDate date(String parameter, String text) {
        if (text == null || text.isBlank()) return null;
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidParameterException(parameter, text, "not a date; expected YYYY-MM-DD (UTC)");
        }
    }
}
