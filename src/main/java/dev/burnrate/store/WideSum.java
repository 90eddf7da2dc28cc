package dev.burnrate.store;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Sums of amounts that cannot overflow. DuckDB sums a DECIMAL(38,18) in a HUGEINT of its unscaled value, so a total
 * past about 1.7e20 fails with "Overflow in SUM" although every amount is valid. The wide form sums the integer
 * parts (floor) as HUGEINT and the fractions (in [0, 1)) as decimals, and adds the two exactly in Java. It is about
 * twenty times slower, so queries run the plain sum and use this form only when that overflows.
 */
final class WideSum {
    private WideSum() {
    }

    static boolean isOverflow(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains("Overflow");
    }

    /** Sums {@code expr} into the columns {@code alias_i} and {@code alias_f}. */
    static String sum(String expr, String alias) {
        return "sum(CAST(floor(" + expr + ") AS HUGEINT)) AS " + alias + "_i, sum(" + expr + " - floor(" + expr + ")) AS " + alias + "_f";
    }

    /** Adds up, in an outer query over {@code from}, the parts an inner {@link #sum} produced. */
    static String resum(String from, String alias) {
        return "sum(" + from + "." + alias + "_i) AS " + alias + "_i, sum(" + from + "." + alias + "_f) AS " + alias + "_f";
    }

    /** Orders by the exact total of the parts, largest first (integer part carried out of the fractions first). */
    static String orderDesc(String alias) {
        String i = "sum(a." + alias + "_i)";
        String f = "sum(a." + alias + "_f)";
        return i + " + CAST(floor(" + f + ") AS HUGEINT) DESC, " + f + " - floor(" + f + ") DESC";
    }

    /** The exact total read back from the two parts; null when both are null (no rows). */
    static BigDecimal read(ResultSet r, String alias) throws SQLException {
        String i = r.getString(alias + "_i");
        BigDecimal f = r.getBigDecimal(alias + "_f");
        if (i == null && f == null) return null;
        return (i == null ? BigDecimal.ZERO : new BigDecimal(i)).add(f == null ? BigDecimal.ZERO : f);
    }
}
