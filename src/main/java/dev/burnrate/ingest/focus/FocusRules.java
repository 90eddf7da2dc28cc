package dev.burnrate.ingest.focus;

import dev.burnrate.ledger.FocusColumn;
import dev.burnrate.ledger.FocusVersion;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.burnrate.ledger.FocusColumn.*;

/** Column-level requirements of the FOCUS specification (nullability and allowed values), per version. */
public final class FocusRules {
    private FocusRules() {
    }

    /** Columns whose "Allows nulls" is False in the specification's column table. */
    public static Set<FocusColumn> notNull(FocusVersion v) {
        EnumSet<FocusColumn> s = EnumSet.of(BilledCost, BillingAccountId, BillingCurrency, BillingPeriodEnd,
                BillingPeriodStart, ChargeCategory, ChargeFrequency, ChargePeriodEnd, ChargePeriodStart,
                ContractedCost, EffectiveCost, InvoiceIssuerName, ListCost, ServiceCategory, ServiceName);
        if (v.compareTo(FocusVersion.V1_3) < 0) {
            s.add(ProviderName);
            s.add(PublisherName);
        } else {
            s.add(ServiceProviderName);
        }
        if (v.compareTo(FocusVersion.V1_1) >= 0) s.add(ServiceSubcategory);
        if (v.compareTo(FocusVersion.V1_2) >= 0) s.add(BillingAccountType);
        return s;
    }

    /** Columns every export of the version must carry (the unconditional "MUST be present"). */
    public static Set<FocusColumn> mandatory(FocusVersion v) {
        EnumSet<FocusColumn> s = EnumSet.copyOf(notNull(v));
        s.add(ChargeClass);
        s.add(ChargeDescription);
        return s;
    }

    private static final Map<FocusColumn, List<String>> ALLOWED = new EnumMap<>(FocusColumn.class);

    static {
        ALLOWED.put(ChargeCategory, List.of("Usage", "Purchase", "Tax", "Credit", "Adjustment"));
        ALLOWED.put(ChargeClass, List.of("Correction"));
        ALLOWED.put(ChargeFrequency, List.of("One-Time", "Recurring", "Usage-Based"));
        ALLOWED.put(PricingCategory, List.of("Standard", "Dynamic", "Committed", "Other"));
        ALLOWED.put(CommitmentDiscountCategory, List.of("Spend", "Usage"));
        // the requirements model says Active/Expired/Pending; the specification text says Used/Unused, and wins
        ALLOWED.put(CommitmentDiscountStatus, List.of("Used", "Unused"));
        ALLOWED.put(CapacityReservationStatus, List.of("Used", "Unused"));
        ALLOWED.put(ServiceCategory, List.of("AI and Machine Learning", "Analytics", "Business Applications",
                "Compute", "Databases", "Developer Tools", "Multicloud", "Identity", "Integration",
                "Internet of Things", "Management and Governance", "Media", "Migration", "Mobile", "Networking",
                "Security", "Storage", "Web", "Other"));
    }

    /** Allowed values of an enumerated column (case-sensitive), or null when the column is free text. */
    public static List<String> allowedValues(FocusColumn c) {
        return ALLOWED.get(c);
    }

    /** Columns that hold ISO 4217 currency codes. */
    public static boolean isCurrency(FocusColumn c) {
        return c == BillingCurrency || c == PricingCurrency;
    }
}
