package dev.burnrate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** A minimal FOCUS 1.0 bill drawn as a table: one row per (day, team, amount), for hand-checked arithmetic. */
public final class DailyBill {
    private static final String HEADER = "BilledCost,EffectiveCost,ListCost,ContractedCost,BillingCurrency,BillingAccountId,"
            + "BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ProviderName,ServiceName,SubAccountId,ResourceId,Tags";
    private final List<String> rows = new ArrayList<>();

    public DailyBill add(LocalDate day, String team, String amount) {
        return add(day, "Amazon EC2", "ml-training", "i-" + team, "{\"team\": \"" + team + "\"}", new BigDecimal(amount));
    }

    /** One charge for a whole day; tagsJson null for an untagged resource. */
    public DailyBill add(LocalDate day, String service, String account, String resource, String tagsJson, BigDecimal amount) {
        LocalDate ps = day.withDayOfMonth(1);
        String a = amount.toPlainString();
        String tags = tagsJson == null ? "" : "\"" + tagsJson.replace("\"", "\"\"") + "\"";
        rows.add(a + "," + a + "," + a + "," + a + ",USD,acct-1," + ps + "T00:00:00Z," + ps.plusMonths(1) + "T00:00:00Z,"
                + day + "T00:00:00Z," + day.plusDays(1) + "T00:00:00Z,AWS," + service + "," + account + "," + resource + "," + tags);
        return this;
    }

    /** One charge for one hour. */
    public DailyBill addHour(java.time.LocalDateTime hour, String service, String resource, String tagsJson, BigDecimal amount) {
        LocalDate ps = hour.toLocalDate().withDayOfMonth(1);
        String a = amount.toPlainString();
        String tags = tagsJson == null ? "" : "\"" + tagsJson.replace("\"", "\"\"") + "\"";
        rows.add(a + "," + a + "," + a + "," + a + ",USD,acct-1," + ps + "T00:00:00Z," + ps.plusMonths(1) + "T00:00:00Z,"
                + hour + ":00Z," + hour.plusHours(1) + ":00Z,AWS," + service + ",ml-training," + resource + "," + tags);
        return this;
    }

    /** The same amount every day in [from, to). */
    public DailyBill daily(LocalDate from, LocalDate to, String team, String amount) {
        for (LocalDate d = from; d.isBefore(to); d = d.plusDays(1)) add(d, team, amount);
        return this;
    }

    public Path write(Path file) {
        try {
            List<String> all = new ArrayList<>();
            all.add(HEADER);
            all.addAll(rows);
            return Files.write(file, all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
