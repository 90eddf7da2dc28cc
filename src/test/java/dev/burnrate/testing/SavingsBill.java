package dev.burnrate.testing;

import java.time.LocalDate;

/** Rows of a small FOCUS bill with the columns savings recommendations read (pricing, commitments, service, region, a job id), one charge per row. */
public final class SavingsBill {
    private SavingsBill() {
    }

    public static final String HEADER = "BilledCost,EffectiveCost,ListCost,BillingCurrency,BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,"
            + "ChargePeriodEnd,ChargeCategory,PricingCategory,ProviderName,ServiceName,ServiceCategory,RegionId,CommitmentDiscountId,CommitmentDiscountStatus,Tags,x_JobId\n";

    public static String row(LocalDate day, String effective, String list, String charge, String pricing, String service, String category, String region,
                      String commitment, String status, String team) {
        return row(day, effective, list, charge, pricing, service, category, region, commitment, status, team, "AWS");
    }

    public static String row(LocalDate day, String effective, String list, String charge, String pricing, String service, String category, String region,
                      String commitment, String status, String team, String provider) {
        return billRow(day.atStartOfDay(), 24, effective, list, charge, pricing, service, category, region, commitment, status, team, provider, null);
    }

    public static String billRow(java.time.LocalDateTime start, int hours, String effective, String list, String charge, String pricing, String service, String category,
                          String region, String commitment, String status, String team, String provider, String job) {
        java.time.LocalDateTime end = start.plusHours(hours);
        LocalDate period = start.toLocalDate().withDayOfMonth(1);
        return String.join(",", effective, effective, list, "USD", "acct-1", period + "T00:00:00Z", period.plusMonths(1) + "T00:00:00Z",
                start + ":00Z", end + ":00Z", charge, pricing, provider, service, category, region, commitment == null ? "" : commitment,
                status == null ? "" : status, team == null ? "" : "\"{\"\"team\"\": \"\"" + team + "\"\"}\"", job == null ? "" : job) + "\n";
    }
}
