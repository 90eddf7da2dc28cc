package dev.burnrate.testing;

import java.time.LocalDate;

/**
 * Rows of a small FOCUS bill that names its resources: one charge per resource and day, with the provider, account,
 * service, region, ChargeDescription and ConsumedUnit that storage and transfer recommendations read.
 */
public final class ResourceBill {
    private ResourceBill() {
    }

    public static final String HEADER = "BilledCost,EffectiveCost,ListCost,BillingCurrency,BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,"
            + "ChargePeriodEnd,ChargeCategory,PricingCategory,ProviderName,SubAccountId,ServiceName,ServiceCategory,RegionId,ResourceId,ChargeDescription,"
            + "ConsumedQuantity,ConsumedUnit,Tags\n";

    public static String day(LocalDate d, String charge, String provider, String account, String service, String category, String region, String resource,
                             String description, String unit, String cost, String team) {
        LocalDate period = d.withDayOfMonth(1);
        return String.join(",", cost, cost, cost, "USD", "acct-1", period + "T00:00:00Z", period.plusMonths(1) + "T00:00:00Z", d + "T00:00:00Z",
                d.plusDays(1) + "T00:00:00Z", charge, "Standard", provider, account, service, category, region, resource == null ? "" : resource,
                "\"" + description + "\"", "1", unit, team == null ? "" : "\"{\"\"team\"\": \"\"" + team + "\"\"}\"") + "\n";
    }

    public static String s3(LocalDate d, String resource, String description, String unit, String cost, String team) {
        return day(d, "Usage", "AWS", "111", "Amazon Simple Storage Service", "Storage", "us-east-1", resource, description, unit, cost, team);
    }
}
