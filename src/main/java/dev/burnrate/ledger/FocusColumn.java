package dev.burnrate.ledger;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The FOCUS cost-and-usage columns, 1.0 to 1.3, with their type and the version that introduced them.
 * A {@link CostRecord} holds every one of them (null where the export lacks it).
 */
public enum FocusColumn {
    AvailabilityZone(Type.STRING, FocusVersion.V1_0),
    BilledCost(Type.DECIMAL, FocusVersion.V1_0),
    BillingAccountId(Type.STRING, FocusVersion.V1_0),
    BillingAccountName(Type.STRING, FocusVersion.V1_0),
    BillingAccountType(Type.STRING, FocusVersion.V1_2),
    BillingCurrency(Type.STRING, FocusVersion.V1_0),
    BillingPeriodEnd(Type.DATETIME, FocusVersion.V1_0),
    BillingPeriodStart(Type.DATETIME, FocusVersion.V1_0),
    CapacityReservationId(Type.STRING, FocusVersion.V1_1),
    CapacityReservationStatus(Type.STRING, FocusVersion.V1_1),
    ChargeCategory(Type.STRING, FocusVersion.V1_0),
    ChargeClass(Type.STRING, FocusVersion.V1_0),
    ChargeDescription(Type.STRING, FocusVersion.V1_0),
    ChargeFrequency(Type.STRING, FocusVersion.V1_0),
    ChargePeriodEnd(Type.DATETIME, FocusVersion.V1_0),
    ChargePeriodStart(Type.DATETIME, FocusVersion.V1_0),
    CommitmentDiscountCategory(Type.STRING, FocusVersion.V1_0),
    CommitmentDiscountId(Type.STRING, FocusVersion.V1_0),
    CommitmentDiscountName(Type.STRING, FocusVersion.V1_0),
    CommitmentDiscountQuantity(Type.DECIMAL, FocusVersion.V1_1),
    CommitmentDiscountStatus(Type.STRING, FocusVersion.V1_0),
    CommitmentDiscountType(Type.STRING, FocusVersion.V1_0),
    CommitmentDiscountUnit(Type.STRING, FocusVersion.V1_1),
    ConsumedQuantity(Type.DECIMAL, FocusVersion.V1_0),
    ConsumedUnit(Type.STRING, FocusVersion.V1_0),
    ContractedCost(Type.DECIMAL, FocusVersion.V1_0),
    ContractedUnitPrice(Type.DECIMAL, FocusVersion.V1_0),
    EffectiveCost(Type.DECIMAL, FocusVersion.V1_0),
    InvoiceId(Type.STRING, FocusVersion.V1_2),
    InvoiceIssuerName(Type.STRING, FocusVersion.V1_0),
    ListCost(Type.DECIMAL, FocusVersion.V1_0),
    ListUnitPrice(Type.DECIMAL, FocusVersion.V1_0),
    PricingCategory(Type.STRING, FocusVersion.V1_0),
    PricingCurrency(Type.STRING, FocusVersion.V1_2),
    PricingCurrencyContractedUnitPrice(Type.DECIMAL, FocusVersion.V1_2),
    PricingCurrencyEffectiveCost(Type.DECIMAL, FocusVersion.V1_2),
    PricingCurrencyListUnitPrice(Type.DECIMAL, FocusVersion.V1_2),
    PricingQuantity(Type.DECIMAL, FocusVersion.V1_0),
    PricingUnit(Type.STRING, FocusVersion.V1_0),
    ProviderName(Type.STRING, FocusVersion.V1_0),
    PublisherName(Type.STRING, FocusVersion.V1_0),
    RegionId(Type.STRING, FocusVersion.V1_0),
    RegionName(Type.STRING, FocusVersion.V1_0),
    ResourceId(Type.STRING, FocusVersion.V1_0),
    ResourceName(Type.STRING, FocusVersion.V1_0),
    ResourceType(Type.STRING, FocusVersion.V1_0),
    ServiceCategory(Type.STRING, FocusVersion.V1_0),
    ServiceName(Type.STRING, FocusVersion.V1_0),
    ServiceSubcategory(Type.STRING, FocusVersion.V1_1),
    SkuId(Type.STRING, FocusVersion.V1_0),
    SkuMeter(Type.STRING, FocusVersion.V1_1),
    SkuPriceDetails(Type.JSON, FocusVersion.V1_1),
    SkuPriceId(Type.STRING, FocusVersion.V1_0),
    SubAccountId(Type.STRING, FocusVersion.V1_0),
    SubAccountName(Type.STRING, FocusVersion.V1_0),
    SubAccountType(Type.STRING, FocusVersion.V1_2),
    Tags(Type.JSON, FocusVersion.V1_0),
    AllocatedMethodId(Type.STRING, FocusVersion.V1_3),
    AllocatedMethodDetails(Type.JSON, FocusVersion.V1_3),
    AllocatedResourceId(Type.STRING, FocusVersion.V1_3),
    AllocatedResourceName(Type.STRING, FocusVersion.V1_3),
    AllocatedTags(Type.JSON, FocusVersion.V1_3),
    ContractApplied(Type.JSON, FocusVersion.V1_3),
    HostProviderName(Type.STRING, FocusVersion.V1_3),
    ServiceProviderName(Type.STRING, FocusVersion.V1_3);

    /** Storage type of a column. */
    public enum Type { STRING, DECIMAL, DATETIME, JSON }

    private static final Map<String, FocusColumn> BY_LOWER = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(c -> c.name().toLowerCase(Locale.ROOT), Function.identity()));

    private final Type type;
    private final FocusVersion since;

    FocusColumn(Type type, FocusVersion since) {
        this.type = type;
        this.since = since;
    }

    public Type type() {
        return type;
    }

    public FocusVersion since() {
        return since;
    }

    /** Case-insensitive lookup of a FOCUS column by its id. */
    public static Optional<FocusColumn> find(String name) {
        return Optional.ofNullable(BY_LOWER.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Columns that a report can group or filter by: the string-valued ones. */
    public static List<FocusColumn> groupable() {
        return Arrays.stream(values()).filter(c -> c.type == Type.STRING).toList();
    }
}
