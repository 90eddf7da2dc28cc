package dev.burnrate.recommend;

import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.store.DuckGpuSamples;
import dev.burnrate.store.DuckInferenceUsages;
import dev.burnrate.store.DuckJobRuns;
import dev.burnrate.testing.ResourceBill;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Storage tiering and cross-region transfer by hand, one bill row per resource and day, up to 2026-11-01.
 * <p>Tiering looks at the 60 days [2026-09-02, 2026-11-01):
 * <pre>
 * resource                 class (ChargeDescription, ConsumedUnit)                        a day              → month, saving
 * arn:aws:s3:::archive     S3 "$0.023 per GB - first 50 TB / month of storage used", GB-Months  23.00 (and 99 on 09-01,   690 × (1 − 0.0125/0.023) = 315
 *                          plus its GET requests, 0.40 a day, not storage)                         before the window)
 * arn:aws:s3:::wobbly      S3 "Standard storage", GB-Hours                              100.00 / 100.90     3013.5 × 0.0105/0.023 = 1375.72826086956…
 *                                                                                       (within 1%)         (to 10 places, rounded down)
 * gs://features            Cloud Storage "Standard Storage US Regional", gibibyte month  4.00               120 × (1 − 0.010/0.020) = 60
 * /subscriptions/s1/blob1  Azure "Tiered Block Blob - Hot LRS - Data Stored", GB/Month   2.00               no bundled ratio: a note; at a configured 0.5, 30
 * arn:aws:s3:::growing     S3 standard                                                  10 + 0.1 × day     grows: no
 * arn:aws:s3:::young       S3 standard, the last 30 days only                           5.00               not months: no
 * arn:aws:s3:::cold        S3 "… Standard-Infrequent Access tier"                       12.50              already there: no
 * vol-1                    EBS "gp3 provisioned storage" (Amazon Elastic Compute Cloud)  8.00               not object storage: no
 * (no ResourceId)          S3 standard                                                  3.00               nothing to name: a note
 * </pre>
 * <p>Transfer looks at the 30 days [2026-10-02, 2026-11-01): S3 in us-east-1, account 111, "$0.02 per GB - US East
 * (Northern Virginia) data transfer to US West (Oregon)" from the datasets bucket (40.00 a day; 500 on 10-01, before the
 * window) and the logs bucket (2.00 a day): 1,260 a month; Azure ML's "Bandwidth Inter-Region - Intra Continent Data
 * Transfer Out - North America", 1.50 a day: 45. Not between regions: data transfer out to the internet, between zones,
 * and "data transfer from" (inbound); a credit on an inter-region line is not usage.
 */
class StorageSavingsTest {
    static final LocalDate TO = LocalDate.parse("2026-11-01");

    @TempDir
    Path dir;

    private Path bill() throws Exception {
        StringBuilder b = new StringBuilder(ResourceBill.HEADER);
        String standard = "$0.023 per GB - first 50 TB / month of storage used";
        String toOregon = "$0.02 per GB - US East (Northern Virginia) data transfer to US West (Oregon)";
        b.append(ResourceBill.s3(LocalDate.parse("2026-09-01"), "arn:aws:s3:::archive", standard, "GB-Months", "99", "fraud"));
        b.append(ResourceBill.s3(LocalDate.parse("2026-10-01"), "arn:aws:s3:::datasets", toOregon, "GB", "500", "fraud"));
        for (int i = 60; i >= 1; i--) {
            LocalDate d = TO.minusDays(i);
            b.append(ResourceBill.s3(d, "arn:aws:s3:::archive", standard, "GB-Months", "23.00", "fraud"));
            b.append(ResourceBill.s3(d, "arn:aws:s3:::archive", "$0.004 per 10,000 GET and all other requests", "Requests", "0.40", "fraud"));
            b.append(ResourceBill.s3(d, "arn:aws:s3:::wobbly", "Standard storage, GB-hours", "GB-Hours", i % 2 == 0 ? "100.00" : "100.90", "vision"));
            b.append(ResourceBill.s3(d, "arn:aws:s3:::growing", standard, "GB-Months", BigDecimal.TEN.add(BigDecimal.valueOf(60 - i, 1)).toPlainString(), "vision"));
            if (i <= 30) b.append(ResourceBill.s3(d, "arn:aws:s3:::young", standard, "GB-Months", "5.00", "vision"));
            b.append(ResourceBill.s3(d, "arn:aws:s3:::cold", "$0.0125 per GB-Month of storage used in Standard-Infrequent Access tier", "GB-Months", "12.50", "vision"));
            b.append(ResourceBill.s3(d, null, standard, "GB-Months", "3.00", null));
            b.append(ResourceBill.day(d, "Usage", "AWS", "111", "Amazon Elastic Compute Cloud", "Storage", "us-east-1", "vol-1",
                    "$0.08 per GB-month of General Purpose (gp3) provisioned storage - US East (N. Virginia)", "GB-Months", "8.00", "vision"));
            b.append(ResourceBill.day(d, "Usage", "Google Cloud", "proj-recs", "Cloud Storage", "Storage", "us-central1", "gs://features", "Standard Storage US Regional",
                    "gibibyte month", "4.00", "recsys"));
            b.append(ResourceBill.day(d, "Usage", "Microsoft", "/subscriptions/s1", "Storage", "Storage", "westus", "/subscriptions/s1/blob1",
                    "Tiered Block Blob - Hot LRS - Data Stored - US West", "GB/Month", "2.00", "llm-platform"));
            if (i <= 30) {
                b.append(ResourceBill.s3(d, "arn:aws:s3:::datasets", toOregon, "GB", "40.00", "fraud"));
                b.append(ResourceBill.s3(d, "arn:aws:s3:::logs", toOregon, "GB", "2.00", "platform"));
                b.append(ResourceBill.day(d, "Usage", "Microsoft", "/subscriptions/s1", "Azure Machine Learning", "Networking", "eastus2", "/subscriptions/s1/ws1",
                        "Bandwidth Inter-Region - Intra Continent Data Transfer Out - North America", "GB", "1.50", "llm-platform"));
                b.append(ResourceBill.day(d, "Usage", "AWS", "111", "Amazon Elastic Compute Cloud", "Compute", "us-east-1", "i-1", "$0.09 per GB data transfer out to the internet",
                        "GB", "9.00", "fraud"));
                b.append(ResourceBill.day(d, "Usage", "AWS", "111", "Amazon Elastic Compute Cloud", "Compute", "us-east-1", "i-1",
                        "$0.010 per GB - regional data transfer - in/out/between EC2 AZs or using elastic IPs or ELB", "GB", "1.00", "fraud"));
                b.append(ResourceBill.day(d, "Usage", "AWS", "111", "Amazon Elastic Compute Cloud", "Compute", "us-west-2", "i-2",
                        "$0.00 per GB - US West (Oregon) data transfer from US East (Northern Virginia)", "GB", "0.00", "fraud"));
            }
        }
        b.append(ResourceBill.day(LocalDate.parse("2026-10-15"), "Credit", "AWS", "111", "Amazon Simple Storage Service", "Storage", "us-east-1", "arn:aws:s3:::datasets", toOregon,
                "GB", "-100", "fraud"));
        return Files.writeString(dir.resolve("bill.csv"), b);
    }

    private static SavingsEngine.Result compute(TestLedger l, SavingsEngine.Settings settings) {
        return new SavingsEngine(l.costs, new DuckJobRuns(l.db), new DuckGpuSamples(l.db), new DuckInferenceUsages(l.db), new dev.burnrate.store.DuckInstanceSamples(l.db), List::of, PriceCatalog.bundled(),
                TestLedger.CLOCK, settings).compute();
    }

    @Test
    void unchangedStorageAndCrossRegionTransfer_handBill_savingsByTheRuleEachRowCountedOnce() throws Exception {
        Path bill = bill();
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            SavingsEngine.Result r = compute(l, SavingsEngine.Settings.defaults());
            String transfer = "transfer $0.02 per GB - US East (Northern Virginia) data transfer to US West (Oregon) (Amazon Simple Storage Service in us-east-1, account 111)";
            String azure = "transfer Bandwidth Inter-Region - Intra Continent Data Transfer Out - North America (Azure Machine Learning in eastus2, account /subscriptions/s1)";
            assertThat(r.recommendations()).allSatisfy(x -> assertThat(x.kind()).isEqualTo(Recommendation.Kind.STORAGE))
                    .extracting(x -> x.target() + " = " + x.monthlySaving().amount().stripTrailingZeros().toPlainString())
                    .containsExactly("storage arn:aws:s3:::wobbly = 1375.7282608695", transfer + " = 1260", "storage arn:aws:s3:::archive = 315",
                            "storage gs://features = 60", azure + " = 45"); // largest first
            Map<String, Recommendation> byTarget = r.recommendations().stream().collect(Collectors.toMap(Recommendation::target, Function.identity()));

            Recommendation archive = byTarget.get("storage arn:aws:s3:::archive");
            assertThat(archive.team()).isEqualTo("fraud");
            assertThat(archive.evidence().from()).isEqualTo(Instant.parse("2026-09-02T00:00:00Z"));
            assertThat(archive.evidence().numbers()).containsEntry("days_billed", "60").containsEntry("lowest_day", "23").containsEntry("highest_day", "23")
                    .containsEntry("effective_in_lookback", "1380").containsEntry("monthly_effective", "690").containsEntry("to_class", "S3 Standard-IA")
                    .containsEntry("price_ratio", "0.543478");
            assertThat(archive.evidence().numbers().get("price_source")).contains("0.023").contains("0.0125");
            assertThat(archive.action()).contains("STANDARD_IA").contains("0.01 USD per GB read");
            assertThat(byTarget.get("storage gs://features").team()).isEqualTo("recsys");
            assertThat(byTarget.get("storage gs://features").action()).contains("NEARLINE");

            Recommendation route = byTarget.get(transfer);
            assertThat(route.team()).isEqualTo("fraud");
            assertThat(route.evidence().from()).isEqualTo(Instant.parse("2026-10-02T00:00:00Z"));
            assertThat(route.evidence().numbers()).containsEntry("lines", "60").containsEntry("effective_in_lookback", "1260").containsEntry("resources", "2")
                    .containsEntry("resource_1", "arn:aws:s3:::datasets 1200").containsEntry("resource_2", "arn:aws:s3:::logs 60");
            assertThat(route.risk()).isEqualTo(Recommendation.Risk.MEDIUM);
            assertThat(route.action()).contains("disaster recovery");

            // the Azure blob is recognised, not priced, and said so; so are the storage rows that name no resource
            assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("/subscriptions/s1/blob1").contains("recommendations.infrequentAccess.Azure"));
            assertThat(r.notes()).anySatisfy(n -> assertThat(n).startsWith("60 storage rows").contains("no ResourceId"));

            // a person's ratio prices it, with their source
            List<StorageTier> tiers = SavingsEngine.Settings.defaults().storageTiers().stream()
                    .map(t -> t.provider().equals("Azure") ? t.withRatio(new BigDecimal("0.5"), "our price sheet") : t).toList();
            Recommendation blob = compute(l, SavingsEngine.Settings.defaults().withStorageTiers(tiers)).recommendations().stream()
                    .filter(x -> x.target().equals("storage /subscriptions/s1/blob1")).findFirst().orElseThrow();
            assertThat(blob.monthlySaving().amount()).isEqualByComparingTo("30");
            assertThat(blob.team()).isEqualTo("llm-platform");
            assertThat(blob.evidence().numbers()).containsEntry("price_source", "our price sheet").containsEntry("price_ratio", "0.5");

            // never more than the spend it comes from: each saving below its rows' monthly cost
            assertThat(byTarget.get("storage arn:aws:s3:::wobbly").monthlySaving().amount()).isLessThan(new BigDecimal("3013.5"));
            assertThat(archive.monthlySaving().amount()).isLessThan(new BigDecimal("690"));
        }
    }

    /**
     * The real FOCUS 1.0 sample (src/test/resources/focus): its inter-region lines are the 19 descriptions that name a
     * destination region ("… data transfer to &lt;region&gt; (…)") or say Inter-Region, found here by reading the file
     * with a plain CSV reader and checked by hand; none of its inbound ("data transfer from"), internet ("data transfer
     * out"), CloudFront or between-zone lines. Their effective cost in the sample is 0 (and −0.000000001 for Azure's), so
     * no saving is claimed: the saving comes from spend the bill shows.
     */
    @Test
    void realFocusSample_interRegionLinesRecognised_noSavingWhereTheBillChargesNothing() throws Exception {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        Set<String> all = new TreeSet<>();
        for (Map<String, String> row : CommitmentsTest.csv(sample)) if (row.get("ChargeDescription") != null) all.add(row.get("ChargeDescription"));
        Set<String> matched = all.stream().filter(d -> StorageSavings.INTER_REGION.matcher(d).find()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(matched).hasSize(19).contains("$0.02 per GB - US West (Oregon) data transfer to EU (Ireland)",
                "$0.09 per GB - Asia Pacific (Tokyo) data transfer to US East (Northern Virginia)",
                "Bandwidth Inter-Region - Intra Continent Data Transfer Out - North America");
        assertThat(matched).allSatisfy(d -> assertThat(d).containsAnyOf("data transfer to ", "Inter-Region"));
        assertThat(all.stream().filter(d -> d.contains("data transfer from") || d.contains("transfer out") || d.contains("regional data transfer")
                || d.contains("CloudFront"))).isNotEmpty().noneMatch(matched::contains);
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(sample));
            assertThat(compute(l, SavingsEngine.Settings.defaults()).recommendations()).noneMatch(x -> x.kind() == Recommendation.Kind.STORAGE);
        }
    }
}
