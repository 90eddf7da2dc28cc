package dev.burnrate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.burnrate.ledger.Money;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a table as an aligned text table, CSV (RFC 4180) or JSON (an array of objects). A cell is a string, or an
 * amount made by {@link #money} or {@link #rate}: the text table is for people and shows amounts rounded to the
 * currency's minor unit ({@link Money#display}); CSV and JSON stay exact, amounts as decimal strings.
 */
final class Output {
    enum Format { table, csv, json }

    /** A unit rate (per hour, per inference): shown with four digits beyond the minor unit, exact in CSV / JSON. */
    record Rate(BigDecimal value, String currency) {
    }

    /** Text that carries amounts (a range, a list of causes): one rendering for people, one exact for CSV / JSON. */
    record Text(String shown, String exact) {
    }

    /** An amount cell; empty when the amount is unknown. */
    static Object money(BigDecimal amount, String currency) {
        return amount == null ? "" : new Money(amount, currency);
    }

    static Object money(Money m) {
        return m == null ? "" : m;
    }

    /** A unit-rate cell; empty when unknown. */
    static Object rate(BigDecimal value, String currency) {
        return value == null ? "" : new Rate(value, currency);
    }

    static Object rate(Money m) {
        return m == null ? "" : new Rate(m.amount(), m.currency());
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Output() {
    }

    static void print(PrintWriter out, Format format, List<String> columns, List<? extends List<?>> cells, List<String> footer) {
        switch (format) {
            case table -> table(out, columns, cells.stream().map(r -> r.stream().map(Output::shown).toList()).toList(), footer);
            case csv -> {
                out.println(String.join(",", columns.stream().map(Output::csv).toList()));
                for (List<?> r : cells) out.println(String.join(",", r.stream().map(c -> csv(exact(c))).toList()));
            }
            case json -> {
                List<Map<String, String>> objs = new ArrayList<>();
                for (List<?> r : cells) {
                    Map<String, String> m = new LinkedHashMap<>();
                    for (int i = 0; i < columns.size(); i++) m.put(columns.get(i), exact(r.get(i)));
                    objs.add(m);
                }
                try {
                    out.println(JSON.writeValueAsString(objs));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        out.flush();
    }

    /** What a person reads: amounts rounded to the currency's minor unit. */
    private static String shown(Object cell) {
        if (cell instanceof Money m) return m.display();
        if (cell instanceof Rate r) return Money.displayRate(r.value(), r.currency());
        if (cell instanceof Text t) return t.shown();
        return cell == null ? null : cell.toString();
    }

    /** What a program reads: exact decimal strings. */
    private static String exact(Object cell) {
        if (cell instanceof Money m) return m.plain();
        if (cell instanceof Rate r) return Money.plain(r.value());
        if (cell instanceof Text t) return t.exact();
        return cell == null ? null : cell.toString();
    }

    private static void table(PrintWriter out, List<String> columns, List<List<String>> rows, List<String> footer) {
        int[] w = new int[columns.size()];
        for (int i = 0; i < w.length; i++) w[i] = columns.get(i).length();
        for (List<String> r : rows) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], display(r.get(i)).length());
        StringBuilder sb = new StringBuilder();
        line(sb, columns, w);
        for (int i = 0; i < w.length; i++) sb.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
        sb.append('\n');
        for (List<String> r : rows) line(sb, r, w);
        out.print(sb);
        if (footer != null) footer.forEach(out::println);
    }

    private static void line(StringBuilder sb, List<String> cells, int[] w) {
        for (int i = 0; i < w.length; i++) {
            String c = display(cells.get(i));
            boolean numeric = c.matches("-?[0-9][0-9.,%]*");
            if (i > 0) sb.append("  ");
            if (numeric) sb.append(" ".repeat(w[i] - c.length())).append(c);
            else sb.append(c).append(i == w.length - 1 ? "" : " ".repeat(w[i] - c.length()));
        }
        sb.append('\n');
    }

    private static String display(String s) {
        return s == null ? "(null)" : s;
    }

    private static String csv(String v) {
        if (v == null) return "";
        if (v.contains(",") || v.contains("\"") || v.contains("\n")) return '"' + v.replace("\"", "\"\"") + '"';
        return v;
    }
}
