package dev.burnrate.ledger;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which FOCUS cost column a report sums. Show back on effective, reconcile on billed. */
public enum CostBasis {
    EFFECTIVE("EffectiveCost"),
    BILLED("BilledCost"),
    LIST("ListCost"),
    CONTRACTED("ContractedCost");

    private final String focusColumn;

    CostBasis(String focusColumn) {
        this.focusColumn = focusColumn;
    }

    public String focusColumn() {
        return focusColumn;
    }

    public static CostBasis parse(String text) {
        for (CostBasis b : values()) {
            if (b.name().equalsIgnoreCase(text)) return b;
        }
        throw new IllegalArgumentException("unknown cost basis '" + text + "'; expected one of " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(b -> b.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining("|"));
    }
}
