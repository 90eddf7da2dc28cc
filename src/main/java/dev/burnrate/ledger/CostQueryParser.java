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
     * @param filters     each {@code FIELD=VALUE} or {@code FIELD:VALUE}; values of one field are alternatives, whether
     *                    given by repeating the filter ({@code team=a}, {@code team=b}) or as a comma-separated list
     *                    ({@code team=a,b}): both mean team a or team b. A list with an empty item ({@code team=a,}) is
     *                    refused rather than matching nothing.
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
                throw new InvalidParameterException("filter", spec, "expected FIELD=VALUE[,VALUE...] (or FIELD:VALUE), e.g. team=fraud or team=fraud,search");
            }
            Field field = field("filter", spec.substring(0, i));
            List<String> values = f.computeIfAbsent(field, k -> new ArrayList<>());
            for (String v : split("filter", spec, spec.substring(i + 1))) {
                if (!values.contains(v)) values.add(v);
            }
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
        window(fromDate, toDate);
        try {
            return new CostQuery(fields, fromDate, toDate, g, b, f);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("groupBy", groupBy, e.getMessage());
        }
    }

    /**
     * The alternatives of a single-field filter option such as {@code --team a,b} or {@code ?team=a,b}: each item
     * stripped, duplicates dropped, in order; empty when the text is null or blank. An empty item is refused, so a
     * list never silently matches nothing.
     */
    public static List<String> alternatives(String parameter, String text) {
        if (text == null || text.isBlank()) return List.of();
        List<String> out = new ArrayList<>();
        for (String v : split(parameter, text, text)) {
            if (!out.contains(v)) out.add(v);
        }
        return List.copyOf(out);
    }

    private static List<String> split(String parameter, String shown, String list) {
        List<String> out = new ArrayList<>();
        for (String v : list.split(",", -1)) {
            if (v.isBlank()) {
                throw new InvalidParameterException(parameter, shown, "empty value in the list; expected VALUE[,VALUE...] meaning any of them, e.g. fraud,search");
            }
            out.add(v.strip());
        }
        return out;
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

    /** A window of days [from, to) must hold at least one day; either end may be open (null). */
    public static void window(LocalDate from, LocalDate to) {
        if (from != null && to != null && !to.isAfter(from)) {
            throw new InvalidParameterException("to", to.toString(), "must be after from=" + from + " (the window is [from, to))");
        }
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
