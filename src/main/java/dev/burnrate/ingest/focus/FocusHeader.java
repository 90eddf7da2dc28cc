package dev.burnrate.ingest.focus;

import dev.burnrate.ledger.FocusColumn;
import dev.burnrate.ledger.FocusVersion;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The columns of one export, in file order: each either a FOCUS column or a custom one.
 * The FOCUS version is the newest one whose introduced columns appear.
 */
public record FocusHeader(List<String> names, List<Optional<FocusColumn>> focus, FocusVersion version) {

    /** Columns without which a row cannot be stored or reported on. */
    public static final Set<FocusColumn> REQUIRED_TO_STORE = Collections.unmodifiableSet(EnumSet.of(
            FocusColumn.BilledCost, FocusColumn.EffectiveCost, FocusColumn.BillingCurrency,
            FocusColumn.BillingAccountId, FocusColumn.BillingPeriodStart, FocusColumn.BillingPeriodEnd,
            FocusColumn.ChargePeriodStart, FocusColumn.ChargePeriodEnd));

    public static FocusHeader parse(String file, List<String> names) {
        if (names.isEmpty() || (names.size() == 1 && names.get(0).isBlank())) {
            throw FocusFileException.wholeFile(file, "empty file: no header row");
        }
        List<Optional<FocusColumn>> focus = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        EnumSet<FocusColumn> present = EnumSet.noneOf(FocusColumn.class);
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i).strip();
            if (n.isEmpty()) {
                throw new FocusFileException(file, 1, "#" + (i + 1), "", "empty column name in header");
            }
            if (!seen.add(n.toLowerCase(Locale.ROOT))) {
                throw new FocusFileException(file, 1, n, n, "duplicate column in header");
            }
            Optional<FocusColumn> c = FocusColumn.find(n);
            c.ifPresent(present::add);
            focus.add(c);
        }
        List<String> missing = REQUIRED_TO_STORE.stream().filter(c -> !present.contains(c)).map(Enum::name).toList();
        if (!missing.isEmpty()) {
            throw new FocusFileException(file, 1, String.join(",", missing), null,
                    "not a FOCUS export: required column(s) missing from the header");
        }
        if (!present.contains(FocusColumn.ProviderName) && !present.contains(FocusColumn.ServiceProviderName)) {
            throw new FocusFileException(file, 1, "ProviderName", null,
                    "not a FOCUS export: neither ProviderName nor ServiceProviderName is in the header");
        }
        FocusVersion version = FocusVersion.V1_0;
        for (FocusColumn c : present) {
            if (c.since().compareTo(version) > 0) version = c.since();
        }
        return new FocusHeader(List.copyOf(names.stream().map(String::strip).toList()), List.copyOf(focus), version);
    }

    public boolean has(FocusColumn c) {
        return focus.contains(Optional.of(c));
    }

    public int indexOf(FocusColumn c) {
        return focus.indexOf(Optional.of(c));
    }

    /** Columns that are not FOCUS columns (custom {@code x_} columns and any others), kept as they are. */
    public List<String> customColumns() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (focus.get(i).isEmpty()) out.add(names.get(i));
        }
        return out;
    }
}
