package dev.burnrate.ingest.focus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.ledger.FocusColumn;
import dev.burnrate.ledger.FocusVersion;
import dev.burnrate.ledger.Money;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import static dev.burnrate.ingest.focus.Finding.Severity.ERROR;
import static dev.burnrate.ingest.focus.Finding.Severity.WARNING;

/**
 * Checks a FOCUS export against the specification without importing it: header (required and custom
 * columns), then per row types, nullability, allowed values, currencies and the cost relations the
 * specification states. Each breach is one {@link Finding}.
 */
public final class FocusValidator {
    /**
     * Unit price × quantity is compared with the cost within this absolute tolerance, or this fraction
     * of the cost, whichever is larger: providers round costs and quantities separately.
     */
    static final BigDecimal ABS_TOLERANCE = new BigDecimal("0.000001");
    static final BigDecimal REL_TOLERANCE = new BigDecimal("0.0001");

    private static final ObjectMapper JSON = new ObjectMapper();

    public record Result(String file, FocusVersion version, long rows, List<Finding> findings) {
        public long errors() {
            return findings.stream().filter(f -> f.severity() == ERROR).count();
        }

        public long warnings() {
            return findings.size() - errors();
        }

        public long rowsWithFindings() {
            return findings.stream().filter(f -> f.line() > 1 && f.severity() == ERROR).map(Finding::line).distinct().count();
        }
    }

    /** Validates every row; findings are passed to the sink as they are found and counted in the result. */
    public Result validate(SourceFile file, RowSource source, Consumer<Finding> sink) {
        List<Finding> all = new ArrayList<>();
        Consumer<Finding> out = f -> {
            all.add(f);
            sink.accept(f);
        };
        FocusHeader header = FocusHeader.parse(file.name(), source.header());
        FocusVersion v = header.version();
        for (FocusColumn c : FocusRules.mandatory(v)) {
            if (!header.has(c)) {
                out.accept(new Finding(file.name(), 1, c.name(), null, ERROR, c.name() + ".Required",
                        "FOCUS " + v.label() + " requires the column " + c.name()));
            }
        }
        for (String custom : header.customColumns()) {
            if (!custom.startsWith("x_")) {
                out.accept(new Finding(file.name(), 1, custom, null, WARNING, "ColumnNaming.CustomPrefix",
                        "custom columns must be prefixed with x_ (FOCUS column naming)"));
            }
        }
        Set<FocusColumn> notNull = FocusRules.notNull(v);
        int width = header.names().size();
        long[] rows = {0};
        source.forEach((line, values) -> {
            rows[0]++;
            if (values.size() != width) {
                out.accept(new Finding(file.name(), line, null, null, ERROR, "Row.ColumnCount",
                        "expected " + width + " columns, found " + values.size()));
                return;
            }
            checkRow(file.name(), header, notNull, line, values, out);
        });
        return new Result(file.name(), v, rows[0], List.copyOf(all));
    }

    private void checkRow(String file, FocusHeader h, Set<FocusColumn> notNull, long line, List<String> row,
                          Consumer<Finding> out) {
        Row r = new Row(h, row);
        for (int i = 0; i < row.size(); i++) {
            Optional<FocusColumn> oc = h.focus().get(i);
            if (oc.isEmpty()) continue;
            FocusColumn c = oc.get();
            String value = row.get(i);
            if (value == null) {
                if (notNull.contains(c)) {
                    out.accept(new Finding(file, line, c.name(), null, ERROR, c.name() + ".NotNull", c.name() + " must not be null"));
                }
                continue;
            }
            String typeError = typeError(c, value);
            if (typeError != null) {
                out.accept(new Finding(file, line, c.name(), value, ERROR, c.name() + ".Type", typeError));
                continue;
            }
            List<String> allowed = FocusRules.allowedValues(c);
            if (allowed != null && !allowed.contains(value)) {
                out.accept(new Finding(file, line, c.name(), value, ERROR, c.name() + ".AllowedValues",
                        "not an allowed value; expected one of " + String.join(", ", allowed)));
            }
            if (FocusRules.isCurrency(c) && !Money.isKnownCurrency(value)) {
                out.accept(new Finding(file, line, c.name(), value, ERROR, c.name() + ".CurrencyCode", "not an ISO 4217 currency code"));
            }
        }
        checkConditional(file, line, r, out);
    }

    private static String typeError(FocusColumn c, String value) {
        try {
            switch (c.type()) {
                case DECIMAL -> FocusValues.parseDecimal(value);
                case DATETIME -> FocusValues.parseDateTime(value);
                case JSON -> {
                    JsonNode n = JSON.readTree(value);
                    if (n == null || !n.isObject()) return "must be a JSON object";
                }
                case STRING -> {
                }
            }
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        } catch (JsonProcessingException e) {
            return "not valid JSON: " + e.getOriginalMessage();
        }
    }

    /** Requirements that tie one column to another. */
    private void checkConditional(String file, long line, Row r, Consumer<Finding> out) {
        String category = r.get(FocusColumn.ChargeCategory);
        boolean correction = "Correction".equals(r.get(FocusColumn.ChargeClass));
        boolean usageOrPurchase = "Usage".equals(category) || "Purchase".equals(category);
        boolean tax = "Tax".equals(category);
        for (FocusColumn c : List.of(FocusColumn.PricingCategory, FocusColumn.ListUnitPrice, FocusColumn.ContractedUnitPrice)) {
            if (!r.has(c)) continue;
            String v = r.get(c);
            if (v == null && usageOrPurchase && !correction) {
                out.accept(new Finding(file, line, c.name(), null, WARNING, c.name() + ".NotNullForUsageAndPurchase",
                        c.name() + " must not be null when ChargeCategory is " + category + " and ChargeClass is not Correction"));
            } else if (v != null && tax) {
                out.accept(new Finding(file, line, c.name(), v, WARNING, c.name() + ".NullForTax", c.name() + " must be null when ChargeCategory is Tax"));
            }
        }
        if (r.get(FocusColumn.CommitmentDiscountId) != null && r.get(FocusColumn.PricingCategory) != null
                && !"Committed".equals(r.get(FocusColumn.PricingCategory))) {
            out.accept(new Finding(file, line, "PricingCategory", r.get(FocusColumn.PricingCategory), WARNING,
                    "PricingCategory.CommittedWithCommitmentDiscount", "PricingCategory must be Committed when CommitmentDiscountId is not null"));
        }
        if (r.has(FocusColumn.CommitmentDiscountStatus) && r.get(FocusColumn.CommitmentDiscountId) == null
                && r.get(FocusColumn.CommitmentDiscountStatus) != null) {
            out.accept(new Finding(file, line, "CommitmentDiscountStatus", r.get(FocusColumn.CommitmentDiscountStatus), WARNING,
                    "CommitmentDiscountStatus.NullWithoutCommitmentDiscount", "must be null when CommitmentDiscountId is null"));
        }
        for (FocusColumn c : List.of(FocusColumn.ListUnitPrice, FocusColumn.ContractedUnitPrice)) {
            BigDecimal p = r.decimal(c);
            if (p != null && p.signum() < 0) {
                out.accept(new Finding(file, line, c.name(), r.get(c), WARNING, c.name() + ".NonNegative", c.name() + " must not be negative"));
            }
        }
        if (!correction) {
            relation(file, line, r, FocusColumn.ListUnitPrice, FocusColumn.ListCost, out);
            relation(file, line, r, FocusColumn.ContractedUnitPrice, FocusColumn.ContractedCost, out);
        }
        order(file, line, r, FocusColumn.ChargePeriodStart, FocusColumn.ChargePeriodEnd, out);
        order(file, line, r, FocusColumn.BillingPeriodStart, FocusColumn.BillingPeriodEnd, out);
    }

    private static void relation(String file, long line, Row r, FocusColumn unitPrice, FocusColumn cost, Consumer<Finding> out) {
        BigDecimal price = r.decimal(unitPrice);
        BigDecimal qty = r.decimal(FocusColumn.PricingQuantity);
        BigDecimal actual = r.decimal(cost);
        if (price == null || qty == null || actual == null) return;
        BigDecimal expected = price.multiply(qty);
        BigDecimal tolerance = ABS_TOLERANCE.max(REL_TOLERANCE.multiply(actual.abs()));
        if (expected.subtract(actual).abs().compareTo(tolerance) > 0) {
            out.accept(new Finding(file, line, cost.name(), r.get(cost), WARNING, cost.name() + ".EqualsUnitPriceTimesQuantity",
                    unitPrice.name() + " " + r.get(unitPrice) + " × PricingQuantity " + r.get(FocusColumn.PricingQuantity)
                            + " = " + expected.stripTrailingZeros().toPlainString() + ", not " + r.get(cost)));
        }
    }

    private static void order(String file, long line, Row r, FocusColumn start, FocusColumn end, Consumer<Finding> out) {
        Instant s = r.datetime(start);
        Instant e = r.datetime(end);
        if (s != null && e != null && !e.isAfter(s)) {
            out.accept(new Finding(file, line, end.name(), r.get(end), ERROR, end.name() + ".AfterStart",
                    end.name() + " must be after " + start.name() + " " + r.get(start)));
        }
    }

    /** One row, read by column; values that fail to parse read as null (their type finding is reported already). */
    private record Row(FocusHeader header, List<String> values) {
        boolean has(FocusColumn c) {
            return header.indexOf(c) >= 0;
        }

        String get(FocusColumn c) {
            int i = header.indexOf(c);
            return i < 0 ? null : values.get(i);
        }

        BigDecimal decimal(FocusColumn c) {
            String v = get(c);
            try {
                return v == null ? null : new BigDecimal(v);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        Instant datetime(FocusColumn c) {
            String v = get(c);
            try {
                return v == null ? null : FocusValues.parseDateTime(v);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
