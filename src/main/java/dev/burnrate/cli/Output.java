package dev.burnrate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders a table of strings as an aligned text table, CSV (RFC 4180) or JSON (an array of objects). */
final class Output {
    enum Format { table, csv, json }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Output() {
    }

    static void print(PrintWriter out, Format format, List<String> columns, List<List<String>> rows, List<String> footer) {
        switch (format) {
            case table -> table(out, columns, rows, footer);
            case csv -> {
                out.println(String.join(",", columns.stream().map(Output::csv).toList()));
                for (List<String> r : rows) out.println(String.join(",", r.stream().map(Output::csv).toList()));
            }
            case json -> {
                List<Map<String, String>> objs = new ArrayList<>();
                for (List<String> r : rows) {
                    Map<String, String> m = new LinkedHashMap<>();
                    for (int i = 0; i < columns.size(); i++) m.put(columns.get(i), r.get(i));
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
