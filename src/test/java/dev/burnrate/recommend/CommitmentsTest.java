package dev.burnrate.recommend;

import dev.burnrate.pricing.InstancePrice;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.store.DuckGpuSamples;
import dev.burnrate.store.DuckJobRuns;
import dev.burnrate.testing.SavingsBill;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Commitment utilisation, coverage and purchase advice. The real FOCUS 1.0 sample (src/test/resources/focus) is checked
 * against an independent reading of the same file; the hand-made bills have their answers worked out in each test.
 */
class CommitmentsTest {
    @TempDir
    Path dir;

    private static SavingsEngine engine(TestLedger l, PriceCatalog catalog) {
        return new SavingsEngine(l.costs, new DuckJobRuns(l.db), new DuckGpuSamples(l.db), new dev.burnrate.store.DuckInferenceUsages(l.db), new dev.burnrate.store.DuckInstanceSamples(l.db), java.util.List::of, catalog, TestLedger.CLOCK, SavingsEngine.Settings.defaults());
    }

    @Test
    void realFocusSample_commitmentsAndCoverage_matchAnIndependentReadingOfTheFile() throws Exception {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(sample));
            CommitmentReport report = engine(l, PriceCatalog.bundled()).commitments(LocalDate.parse("2024-09-01"), LocalDate.parse("2024-10-01"));

            // independently: every row of the file, read here with a plain CSV reader
            Map<String, BigDecimal[]> byCommitment = new TreeMap<>(); // used effective, unused effective, used list, used rows
            Map<String, BigDecimal[]> byService = new TreeMap<>();    // covered list, on-demand list, covered rows
            for (Map<String, String> r : csv(sample)) {
                String id = r.get("CommitmentDiscountId");
                String status = r.get("CommitmentDiscountStatus");
                BigDecimal eff = dec(r.get("EffectiveCost"));
                BigDecimal list = dec(r.get("ListCost"));
                if (id != null && status != null) {
                    BigDecimal[] c = byCommitment.computeIfAbsent(id, k -> zeros(4));
                    if (status.equals("Used")) {
                        c[0] = c[0].add(eff);
                        c[2] = c[2].add(list);
                        c[3] = c[3].add(BigDecimal.ONE);
                    } else if (status.equals("Unused")) {
                        c[1] = c[1].add(eff);
                    }
                }
                if ("Usage".equals(r.get("ChargeCategory")) && r.get("ServiceName") != null && !"Unused".equals(status)) {
                    BigDecimal[] s = byService.computeIfAbsent(r.get("ServiceName"), k -> zeros(3));
                    if (id != null && "Used".equals(status)) {
                        s[0] = s[0].add(list);
                        s[2] = s[2].add(BigDecimal.ONE);
                    } else if (id == null && "Standard".equals(r.get("PricingCategory"))) {
                        s[1] = s[1].add(list);
                    }
                }
            }
            byService.values().removeIf(s -> s[2].signum() == 0);

            // the sample: two savings plans, four covered rows (EC2 t2.medium, t3.micro, c5.large and a Fargate task), none unused
            assertThat(byCommitment).hasSize(2);
            assertThat(report.commitments()).hasSize(2);
            for (CommitmentReport.Commitment c : report.commitments()) {
                BigDecimal[] x = byCommitment.get(c.id());
                assertThat(c.currency()).isEqualTo("USD");
                assertThat(c.usedEffective()).isEqualByComparingTo(x[0]);
                assertThat(c.unusedEffective()).isEqualByComparingTo(x[1]);
                assertThat(c.usedList()).isEqualByComparingTo(x[2]);
                assertThat(c.usedRows()).isEqualTo(x[3].longValue());
                // the sample's covered rows carry an effective cost of 0: no dollars to judge utilisation by, so none is claimed
                assertThat(c.utilisation()).isNull();
            }
            assertThat(report.commitments().stream().filter(c -> c.id().endsWith("37985e61-4fcb-4023-9dd7-e524c80342a2")).findFirst().orElseThrow()
                    .usedList()).isEqualByComparingTo("0.0962790222"); // 0.0112 + 0.085 + 0.0000790222
            assertThat(report.coverage()).extracting(CommitmentReport.ServiceCoverage::service).containsExactlyInAnyOrderElementsOf(byService.keySet());
            for (CommitmentReport.ServiceCoverage s : report.coverage()) {
                BigDecimal[] x = byService.get(s.service());
                assertThat(s.coveredList()).isEqualByComparingTo(x[0]);
                assertThat(s.onDemandList()).isEqualByComparingTo(x[1]);
                assertThat(s.coverage()).isEqualByComparingTo(x[0].divide(x[0].add(x[1]), 6, RoundingMode.HALF_EVEN));
            }
            assertThat(report.coverage().stream().filter(s -> s.service().equals("Amazon Elastic Compute Cloud")).findFirst().orElseThrow().coveredList())
                    .isEqualByComparingTo("0.1426"); // 0.0464 + 0.0112 + 0.085
            // nothing unused: no commitment recommendation from the sample's commitments
            assertThat(new CommitmentAnalysis(l.costs, PriceCatalog.bundled()).unused(report)).isEmpty();
        }
    }

    /**
     * Thirty days (2026-10-02 .. 2026-10-31) of a savings plan: one row a day is Used (effective 20, list 30) and two
     * days carry Unused rows (5 and 7); an Unused row of 100 the day before the lookback does not count. Unused = 12 over the 30-day lookback,
     * so 12 a month; utilisation = 600 / 612 = 0.980392.
     */
    @Test
    void unusedCommitment_handBill_recommendsItsUnusedDollarsPerMonth() throws Exception {
        StringBuilder b = new StringBuilder(SavingsBill.HEADER);
        for (int d = 0; d < 30; d++) {
            LocalDate day = LocalDate.parse("2026-10-02").plusDays(d);
            b.append(SavingsBill.row(day, "20", "30", "Usage", "Committed", "Amazon Elastic Compute Cloud", "Compute", "us-east-1", "sp-1", "Used", "team-a"));
        }
        b.append(SavingsBill.row(LocalDate.parse("2026-10-05"), "5", "0", "Usage", "Committed", "Savings Plans for AWS Compute usage", "Compute", "us-east-1", "sp-1", "Unused", null));
        b.append(SavingsBill.row(LocalDate.parse("2026-10-20"), "7", "0", "Usage", "Committed", "Savings Plans for AWS Compute usage", "Compute", "us-east-1", "sp-1", "Unused", null));
        // before the lookback: not counted
        b.append(SavingsBill.row(LocalDate.parse("2026-10-01"), "100", "0", "Usage", "Committed", "Savings Plans for AWS Compute usage", "Compute", "us-east-1", "sp-1", "Unused", null));
        Path bill = Files.writeString(dir.resolve("bill.csv"), b);
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            SavingsEngine.Result r = engine(l, PriceCatalog.bundled()).compute();
            CommitmentReport.Commitment c = r.commitments().commitments().get(0);
            assertThat(c.usedEffective()).isEqualByComparingTo("600");
            assertThat(c.unusedEffective()).isEqualByComparingTo("12");
            assertThat(c.utilisation()).isEqualByComparingTo("0.980392");
            Recommendation rec = r.recommendations().stream().filter(x -> x.kind() == Recommendation.Kind.COMMITMENT).findFirst().orElseThrow();
            assertThat(rec.monthlySaving().amount()).isEqualByComparingTo("12");
            assertThat(rec.monthlySaving().currency()).isEqualTo("USD");
            assertThat(rec.team()).isNull();
            assertThat(rec.evidence().numbers()).containsEntry("unused_effective", "12").containsEntry("lookback_days", "30");
            assertThat(rec.evidence().from()).isEqualTo(java.time.Instant.parse("2026-10-02T00:00:00Z"));
            assertThat(rec.id()).isEqualTo(Recommendation.idOf(Recommendation.Kind.COMMITMENT, "commitment sp-1 USD"));
            // the same again: the same id
            assertThat(engine(l, PriceCatalog.bundled()).compute().recommendations()).extracting(Recommendation::id).contains(rec.id());
        }
    }

    /**
     * Compute Engine on demand in a test region, every day of the 30: effective 100 + d (list 100 / 0.8 more: the bill
     * shows a negotiated 20% off), so the floor is the first day: effective 100, list 125. The catalog's 1-year rate in
     * that region is 0.63 of on demand (and 0.70 for a second type: the smaller discount is used), so the commitment
     * costs 125 × 0.70 = 87.5 a day and saves 100 − 87.5 = 12.5 a day, 375 a month. AWS on demand beside it: the bundled
     * catalog has no AWS commitment prices, so that purchase is skipped, and said so. A service missing one day has no floor.
     * The 3-year rates (0.45 and 0.40 of on demand) are shown beside the 1-year purchase, not bought.
     */
    @Test
    void steadyOnDemand_handBill_buysAtMostTheFloorAtTheCatalogsSmallestDiscountOrSaysWhyNot() throws Exception {
        StringBuilder b = new StringBuilder(SavingsBill.HEADER);
        for (int d = 0; d < 30; d++) {
            LocalDate day = LocalDate.parse("2026-10-02").plusDays(d);
            BigDecimal eff = BigDecimal.valueOf(100 + d);
            b.append(SavingsBill.row(day, eff.toPlainString(), eff.divide(new BigDecimal("0.8")).toPlainString(), "Usage", "Standard", "Compute Engine", "Compute",
                    "test-central1", null, null, "team-a", "Google Cloud"));
            b.append(SavingsBill.row(day, "50", "50", "Usage", "Standard", "Amazon Elastic Compute Cloud", "Compute", "us-east-1", null, null, "team-a"));
            if (d != 7) b.append(SavingsBill.row(day, "40", "40", "Usage", "Standard", "Compute Engine", "Compute", "test-east1", null, null, "team-a", "Google Cloud"));
            b.append(SavingsBill.row(day, "10", "10", "Usage", "Standard", "Cloud Storage", "Storage", "test-central1", null, null, "team-a", "Google Cloud"));
        }
        Path bill = Files.writeString(dir.resolve("bill.csv"), b);
        PriceCatalog catalog = PriceCatalog.bundled().withOverrides(List.of(
                new InstancePrice("Google Cloud", "t1-standard-8", "test-central1", null, 0, new BigDecimal("2.00"), null, new BigDecimal("1.26"), new BigDecimal("0.80"), "test", "2026-11-01"),
                new InstancePrice("Google Cloud", "t1-standard-4", "test-central1", null, 0, new BigDecimal("1.00"), null, new BigDecimal("0.70"), new BigDecimal("0.45"), "test", "2026-11-01"),
                new InstancePrice("Google Cloud", "t1-standard-4", "test-east1", null, 0, new BigDecimal("1.00"), null, new BigDecimal("0.50"), null, "test", "2026-11-01")));
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            SavingsEngine.Result r = engine(l, catalog).compute();
            assertThat(r.recommendations()).hasSize(1);
            Recommendation rec = r.recommendations().get(0);
            assertThat(rec.kind()).isEqualTo(Recommendation.Kind.COMMITMENT);
            assertThat(rec.target()).isEqualTo("purchase Google Cloud / Compute Engine / test-central1 USD");
            assertThat(rec.monthlySaving().amount()).isEqualByComparingTo("375");
            assertThat(rec.evidence().numbers()).containsEntry("floor_day", "2026-10-02").containsEntry("floor_effective_per_day", "100")
                    .containsEntry("floor_list_per_day", "125").containsEntry("catalog_instance_type", "t1-standard-4").containsEntry("commitment_per_day", "87.5");
            assertThat(rec.action()).contains("3.645833 USD/hour"); // 87.5 / 24, never rounded up
            // the 3-year term beside it, at the catalog's smallest 3-year discount (0.45 of t1-standard-4, not 0.40 of -8):
            // 125 × 0.45 = 56.25 a day, saving 43.75 a day (1312.5 a month), break-even 56.25 / 100, 36 × 0.5625 = 20.25 months
            assertThat(rec.evidence().numbers()).containsEntry("alternative_3y_catalog_instance_type", "t1-standard-4")
                    .containsEntry("alternative_3y_commitment_per_day", "56.25").containsEntry("alternative_3y_monthly_saving", "1312.5")
                    .containsEntry("alternative_3y_break_even_utilisation", "0.5625").containsEntry("alternative_3y_break_even_months_of_use", "20.25")
                    .containsEntry("alternative_3y_term_cost", "61593.75");
            assertThat(rec.action()).contains("3-year term would save 1312.50 USD a month but owes 36 months");
            // never more than the floor, and the saving is below the spend it comes from (30 days of the floor service)
            assertThat(rec.monthlySaving().amount()).isLessThan(new BigDecimal("100").multiply(BigDecimal.valueOf(30)));
            assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("Amazon Elastic Compute Cloud in us-east-1 skipped")
                    .contains("no 1-year commitment price"));
            assertThat(r.notes()).noneSatisfy(n -> assertThat(n).contains("test-east1"));
        }
    }

    /**
     * The 7/30/60-day lookbacks, by hand. Bills run 2026-09-02 .. 10-31 (the engine's day is 11-01).
     * <ul>
     * <li>Compute Engine in test-central1, every one of the 60 days: effective 80 + d on days 0-29 (09-02 .. 10-01),
     *   100 + (d − 30) on days 30-52, 120 + (d − 53) on the last 7; list = effective / 0.8. Floors: 7 days 120 (10-25),
     *   30 days 100 (10-02), 60 days 80 (09-02). The lowest, 60 days, is bought: list 100 a day at the catalog's 1-year
     *   ratio 0.60 costs 60 a day, saving 80 − 60 = 20 a day, 600 a month. Break-even: 60 / 80 = 0.75 of it in use, or
     *   12 × 0.75 = 9 of the 12 months; owed over the term 60 × 365 = 21900.</li>
     * <li>AWS EC2 in us-east-1, whose bills only begin 10-02: 50 a day, 70 on the last 7 days (list = effective). No floor
     *   over 60 days (no AWS bill on 10-01), 30 days 50, 7 days 70: 30 days is bought: 50 × 0.625 = 31.25 a day, saving
     *   18.75 a day, 562.5 a month; break-even 31.25 / 50 = 0.625, 7.5 months.</li>
     * <li>Compute Engine in test-east1, 40 a day but none on 10-12: its 60- and 30-day floors are 0 (usage that stops for a
     *   day is not steady), the most conservative: nothing is bought though the last 7 days were steady.</li>
     * </ul>
     */
    @Test
    void steadyOnDemand_sevenThirtySixtyDayLookbacks_buysTheLowestCoveredFloorWithItsTermAndBreakEven() throws Exception {
        StringBuilder b = new StringBuilder(SavingsBill.HEADER);
        LocalDate first = LocalDate.parse("2026-09-02");
        for (int d = 0; d < 60; d++) {
            LocalDate day = first.plusDays(d);
            BigDecimal eff = BigDecimal.valueOf(d < 30 ? 80 + d : d < 53 ? 100 + (d - 30) : 120 + (d - 53));
            b.append(SavingsBill.row(day, eff.toPlainString(), eff.divide(new BigDecimal("0.8")).toPlainString(), "Usage", "Standard", "Compute Engine", "Compute",
                    "test-central1", null, null, "team-a", "Google Cloud"));
            if (!day.equals(LocalDate.parse("2026-10-12"))) {
                b.append(SavingsBill.row(day, "40", "40", "Usage", "Standard", "Compute Engine", "Compute", "test-east1", null, null, "team-a", "Google Cloud"));
            }
            if (d >= 30) {
                String aws = d >= 53 ? "70" : "50";
                b.append(SavingsBill.row(day, aws, aws, "Usage", "Standard", "Amazon Elastic Compute Cloud", "Compute", "us-east-1", null, null, "team-b"));
            }
        }
        Path bill = Files.writeString(dir.resolve("bill.csv"), b);
        PriceCatalog catalog = PriceCatalog.bundled().withOverrides(List.of(
                new InstancePrice("Google Cloud", "t1-standard-4", "test-central1", null, 0, new BigDecimal("1.00"), null, new BigDecimal("0.60"), null, "test", "2026-11-01"),
                new InstancePrice("Google Cloud", "t1-standard-4", "test-east1", null, 0, new BigDecimal("1.00"), null, new BigDecimal("0.50"), null, "test", "2026-11-01"),
                new InstancePrice("AWS", "m5.large", "us-east-1", null, 0, new BigDecimal("0.096"), null, new BigDecimal("0.060"), null, "test", "2026-11-01")));
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            SavingsEngine.Result r = engine(l, catalog).compute();
            assertThat(r.recommendations()).extracting(Recommendation::target).containsExactly(
                    "purchase Google Cloud / Compute Engine / test-central1 USD", "purchase AWS / Amazon Elastic Compute Cloud / us-east-1 USD");

            Recommendation gcp = r.recommendations().get(0);
            assertThat(gcp.monthlySaving().amount()).isEqualByComparingTo("600");
            assertThat(gcp.evidence().numbers())
                    .containsEntry("lookback_days", "60")
                    .containsEntry("floor_7_days", "120 USD on 2026-10-25")
                    .containsEntry("floor_30_days", "100 USD on 2026-10-02")
                    .containsEntry("floor_60_days", "80 USD on 2026-09-02")
                    .containsEntry("floor_effective_per_day", "80").containsEntry("floor_list_per_day", "100")
                    .containsEntry("commitment_per_day", "60").containsEntry("saving_per_day", "20")
                    .containsEntry("term_months", "12").containsEntry("payment", "no upfront, hourly")
                    .containsEntry("break_even_utilisation", "0.75").containsEntry("break_even_months_of_use", "9")
                    .containsEntry("term_cost", "21900");
            assertThat(gcp.evidence().from()).isEqualTo(java.time.Instant.parse("2026-09-02T00:00:00Z"));
            assertThat(gcp.action()).contains("1-year, no-upfront").contains("2.5 USD/hour").contains("over the last 60 days")
                    .contains("at least 75% of it is used").contains("ran 9 of them");
            // never more than the floor: the commitment's daily on-demand equivalent is the floor's list cost
            assertThat(new BigDecimal(gcp.evidence().numbers().get("floor_list_per_day"))).isLessThanOrEqualTo(new BigDecimal("100"));

            Recommendation aws = r.recommendations().get(1);
            assertThat(aws.monthlySaving().amount()).isEqualByComparingTo("562.5");
            assertThat(aws.evidence().numbers())
                    .containsEntry("lookback_days", "30")
                    .containsEntry("floor_7_days", "70 USD on 2026-10-25")
                    .containsEntry("floor_30_days", "50 USD on 2026-10-02")
                    .containsEntry("floor_60_days", "none: no bill of the provider on 2026-10-01")
                    .containsEntry("commitment_per_day", "31.25")
                    .containsEntry("break_even_utilisation", "0.625").containsEntry("break_even_months_of_use", "7.5");
            assertThat(aws.evidence().from()).isEqualTo(java.time.Instant.parse("2026-10-02T00:00:00Z"));
            assertThat(r.recommendations()).noneMatch(x -> x.target().contains("test-east1"));
        }
    }

    /**
     * Steady AWS on-demand usage (50 a day) with a catalog 1-year price for AWS in the region, while an AWS savings
     * plan left 9 unused: no purchase (those dollars are the unused plan's to recover; counting them for a purchase would
     * save them twice), only the unused recommendation of 9 a month, and a note saying why.
     */
    @Test
    void steadyOnDemand_whileAnExistingCommitmentGoesUnused_buysNothingAndSaysWhy() throws Exception {
        StringBuilder b = new StringBuilder(SavingsBill.HEADER);
        for (int d = 0; d < 30; d++) {
            b.append(SavingsBill.row(LocalDate.parse("2026-10-02").plusDays(d), "50", "50", "Usage", "Standard", "Amazon Elastic Compute Cloud", "Compute",
                    "us-east-1", null, null, "team-a"));
        }
        b.append(SavingsBill.row(LocalDate.parse("2026-10-09"), "9", "0", "Usage", "Committed", "Savings Plans for AWS Compute usage", "Compute",
                "us-east-1", "sp-1", "Unused", null));
        Path bill = Files.writeString(dir.resolve("bill.csv"), b);
        PriceCatalog catalog = PriceCatalog.bundled().withOverrides(List.of(new InstancePrice("AWS", "m5.large", "us-east-1", null, 0,
                new BigDecimal("0.096"), null, new BigDecimal("0.060"), null, "test", "2026-11-01")));
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            SavingsEngine.Result r = engine(l, catalog).compute();
            assertThat(r.recommendations()).singleElement().satisfies(x -> {
                assertThat(x.target()).isEqualTo("commitment sp-1 USD");
                assertThat(x.monthlySaving().amount()).isEqualByComparingTo("9");
            });
            assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("Amazon Elastic Compute Cloud in us-east-1 skipped").contains("sp-1 left 9.00 USD unused"));
        }
    }

    /**
     * The steady Compute Engine usage above (floor 100 a day, list 125), and beside it an idle GPU job on demand in the
     * same region, billed 10 a day for the last 3 days (its own rows, not the floor day's). Idle saves 300 a month,
     * 10 a day, which the purchase must not count again: the floor becomes 90 (list 125 × 90 / 100 = 112.5), the
     * commitment costs 112.5 × 0.70 = 78.75 a day and saves 11.25 a day, 337.5 a month (375 without the idle job).
     */
    @Test
    void steadyOnDemand_withAnIdleJobInTheSameRegion_purchaseLeavesOutWhatIdleSaves() throws Exception {
        StringBuilder b = new StringBuilder(SavingsBill.HEADER);
        for (int d = 0; d < 30; d++) {
            BigDecimal eff = BigDecimal.valueOf(100 + d);
            b.append(SavingsBill.row(LocalDate.parse("2026-10-02").plusDays(d), eff.toPlainString(), eff.divide(new BigDecimal("0.8")).toPlainString(), "Usage",
                    "Standard", "Compute Engine", "Compute", "test-central1", null, null, "team-a", "Google Cloud"));
        }
        for (int d = 3; d >= 1; d--) {
            b.append(SavingsBill.billRow(java.time.LocalDateTime.parse("2026-11-01T00:00").minusDays(d), 24, "10", "12.5", "Usage", "Standard", "Compute Engine",
                    "Compute", "test-central1", null, null, "team-a", "Google Cloud", "gpu-nb"));
        }
        Path bill = Files.writeString(dir.resolve("bill.csv"), b);
        PriceCatalog catalog = PriceCatalog.bundled().withOverrides(List.of(
                new InstancePrice("Google Cloud", "t1-standard-4", "test-central1", null, 0, new BigDecimal("1.00"), null, new BigDecimal("0.70"), null, "test", "2026-11-01")));
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            DuckJobRuns jobs = new DuckJobRuns(l.db);
            jobs.upsert(dev.burnrate.ingest.jobs.JobRunJson.parse(new java.io.StringReader("{\"id\":\"gpu-nb\",\"team\":\"team-a\",\"kind\":\"experiment\","
                    + "\"provider\":\"Google Cloud\",\"region\":\"test-central1\",\"instanceType\":\"g2-standard-48\",\"instanceCount\":1,"
                    + "\"pricing\":\"on_demand\",\"start\":\"2026-10-20T00:00:00Z\",\"status\":\"running\"}"), "jobs"));
            DuckGpuSamples samples = new DuckGpuSamples(l.db);
            samples.append(GpuWasteTest.samples("gpu-nb", 1, java.time.Instant.parse("2026-10-29T00:00:00Z"), 0, 500));
            SavingsEngine.Result r = engine(l, catalog).compute();
            assertThat(r.recommendations()).extracting(x -> x.kind() + " " + x.monthlySaving().amount().stripTrailingZeros().toPlainString())
                    .containsExactly("COMMITMENT 337.5", "IDLE 300"); // largest first
            assertThat(r.recommendations().get(0).evidence().numbers()).containsEntry("already_saved_per_day", "10");
        }
    }

    private static BigDecimal[] zeros(int n) {
        BigDecimal[] a = new BigDecimal[n];
        java.util.Arrays.fill(a, BigDecimal.ZERO);
        return a;
    }

    private static BigDecimal dec(String s) {
        return s == null ? BigDecimal.ZERO : new BigDecimal(s);
    }

    /** RFC 4180 with the sample's NULL (and empty) as null. */
    static List<Map<String, String>> csv(Path file) throws Exception {
        List<Map<String, String>> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file)) {
            List<String> header = fields(r.readLine());
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                List<String> v = fields(line);
                Map<String, String> m = new HashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    String x = i < v.size() ? v.get(i) : null;
                    m.put(header.get(i), x == null || x.isEmpty() || x.equals("NULL") ? null : x);
                }
                rows.add(m);
            }
        }
        return rows;
    }

    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    @Test
    void unusedCommitment_remedyFollowsItsKind_computePlanPointsAtSharingScopedOnesAtTheirScope() {
        assertThat(CommitmentAnalysis.remedy("Compute Savings Plan")).contains("discount sharing").doesNotContain("instance family), or exchange");
        assertThat(CommitmentAnalysis.remedy("EC2 Instance Savings Plan")).contains("under its scope (account, region, instance family)");
        assertThat(CommitmentAnalysis.remedy(null)).contains("under its scope");
    }
}
