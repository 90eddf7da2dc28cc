package dev.burnrate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line end to end, through Main.run with a real ledger file: output, formats and exit codes. */
class CliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), TestLedger.CLOCK);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void importThenCosts_printsTotalsPerCurrency_andJsonCarriesExactAmounts() throws Exception {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        String db = dir.resolve("l.duckdb").toString();
        Result imp = run("--db", db, "import", "focus", sample.toString());
        assertThat(imp.code()).isZero();
        assertThat(imp.out()).contains("imported", "1000", "AWS Microsoft Oracle", "ChargeFrequency 'Usage-based'");

        Result table = run("--db", db, "costs", "--by", "ProviderName", "--basis", "billed");
        assertThat(table.code()).isZero();
        // the table is for people: cents (ISO 4217 minor unit), half up; CSV and JSON below stay exact
        assertThat(table.out()).contains("AWS", " 18.01 ", "total billed 20.52 USD").doesNotContain("18.0066386184");
        Result csv = run("--db", db, "costs", "--by", "ProviderName", "--basis", "billed", "--format", "csv");
        assertThat(csv.out()).contains("AWS,USD,18.0066386184,");

        Result json = run("--db", db, "costs", "--by", "team,ServiceCategory", "--format", "json");
        JsonNode rows = new ObjectMapper().readTree(json.out());
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode r : rows) sum = sum.add(new BigDecimal(r.get("cost").asText()));
        Result total = run("--db", db, "costs", "--format", "csv");
        assertThat(total.out().lines().skip(1).findFirst().orElseThrow()).startsWith("USD," + sum.stripTrailingZeros().toPlainString());
    }

    @Test
    void costsFilter_commaList_meansAnyOfTheValues_neverAnEmptyReport() throws Exception {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        String db = dir.resolve("l.duckdb").toString();
        assertThat(run("--db", db, "import", "focus", sample.toString()).code()).isZero();
        Result listed = run("--db", db, "costs", "--by", "ProviderName", "--filter", "ProviderName=AWS,Microsoft", "--format", "csv");
        assertThat(listed.code()).as(listed.err()).isZero();
        Result repeated = run("--db", db, "costs", "--by", "ProviderName", "--filter", "ProviderName=AWS", "--filter", "ProviderName=Microsoft", "--format", "csv");
        assertThat(listed.out()).isEqualTo(repeated.out()).contains("AWS,", "Microsoft,").doesNotContain("Oracle");
        Result empty = run("--db", db, "costs", "--filter", "ProviderName=AWS,");
        assertThat(empty.code()).isNotZero();
        assertThat(empty.err()).contains("filter=ProviderName=AWS,");
    }

    @Test
    void costs_unknownDimension_exitsNonZeroWithOneLineReason() {
        Result r = run("--db", dir.resolve("l.duckdb").toString(), "costs", "--by", "colour");
        assertThat(r.code()).isNotZero();
        assertThat(r.err().strip()).startsWith("burnrate: groupBy=colour").doesNotContain("\n");
    }

    @Test
    void import_badFile_exitsNonZeroNamingFileLineAndColumn() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.csv"),
                "BilledCost,EffectiveCost,BillingCurrency,BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ProviderName\n"
                        + "1.5,1.5,USD,a,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,2024-09-02T00:00:00Z,2024-09-02T01:00:00Z,AWS\n"
                        + "abc,1.5,USD,a,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,2024-09-02T00:00:00Z,2024-09-02T01:00:00Z,AWS\n");
        Result r = run("--db", dir.resolve("l.duckdb").toString(), "import", "focus", bad.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("bad.csv:3", "BilledCost", "abc");
    }

    @Test
    void readingALedgerThatIsNotThere_saysItStartedAnEmptyOne_once() throws Exception {
        Path typo = dir.resolve("demo.dukdb");
        Result first = run("--db", typo.toString(), "costs", "--by", "team");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.err()).contains("new, empty ledger at " + typo + " (none was there; the demo's is .burnrate/demo.duckdb)");
        Result again = run("--db", typo.toString(), "costs", "--by", "team");
        assertThat(again.err()).doesNotContain("new, empty ledger");
    }

    @Test
    void anomaliesDetect_withoutOut_writesTheScoresToStandardOutputAndTheSummaryToStandardError() throws Exception {
        Path series = TestLedger.fixture("anomaly/app1-01.csv", dir); // real hourly crash rates, labelled (TimeStamp,Value,Label)
        long rows = java.nio.file.Files.lines(series).count() - 1;
        Result r = run("--db", dir.resolve("l.duckdb").toString(), "anomalies", "detect", "--input", series.toString(), "--time-column", "TimeStamp");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score,is_anomaly");
        assertThat(lines).hasSize((int) rows + 1);
        assertThat(lines.get(1)).startsWith("2018-").matches(".*,0\\.\\d{4},[01]");
        assertThat(lines).anyMatch(l -> l.endsWith(",1"));
        assertThat(r.err()).contains("scored " + rows + " points (step 3600 s, season 24 points)", " flagged").doesNotContain("wrote");

        Path out = dir.resolve("scores.csv");
        Result toFile = run("--db", dir.resolve("l.duckdb").toString(), "anomalies", "detect", "--input", series.toString(), "--out", out.toString());
        assertThat(toFile.code()).as(toFile.err()).isZero();
        assertThat(toFile.out()).contains("wrote " + out);
        assertThat(java.nio.file.Files.readAllLines(out)).isEqualTo(lines); // the same scores either way

        Result typo = run("--db", dir.resolve("l.duckdb").toString(), "anomalies", "detect", "--input", series.toString(), "--out", dir.resolve("nosuch/x.csv").toString());
        assertThat(typo.code()).isEqualTo(1);
        assertThat(typo.err()).contains("there is no folder");
        assertThat(dir.resolve("nosuch")).doesNotExist();

        // the file as the command's argument, as a user first types it
        Result bare = run("--db", dir.resolve("l.duckdb").toString(), "anomalies", "detect", series.toString());
        assertThat(bare.code()).as(bare.err()).isZero();
        assertThat(bare.out().lines().toList()).isEqualTo(lines);
        Result none = run("--db", dir.resolve("l.duckdb").toString(), "anomalies", "detect");
        // usage errors exit 2, as an unknown option does (they exited 1, as a failure would)
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("no input: give the CSV file", "anomalies detect --help");
        // a file whose columns have other names: the error says which option names them
        Path costs = dir.resolve("costs.csv");
        java.nio.file.Files.writeString(costs, "date,cost\n2026-11-01,10.5\n2026-11-02,11.25\n");
        Result named = run("--db", dir.resolve("l.duckdb").toString(), "anomalies", "detect", costs.toString());
        assertThat(named.code()).isEqualTo(1);
        assertThat(named.err()).contains("no time column 'timestamp' in [date, cost]: name the time column with --time-column");
        Result value = run("--db", dir.resolve("l.duckdb").toString(), "anomalies", "detect", costs.toString(), "--time-column", "date");
        assertThat(value.err()).contains("no value column 'value' in [date, cost]: name the value column with --value-column");
        Result both = run("--db", dir.resolve("l.duckdb").toString(), "anomalies", "detect", costs.toString(), "--time-column", "date", "--value-column", "cost");
        assertThat(both.code()).as(both.err()).isZero();
        Result threshold = run("--db", dir.resolve("l.duckdb").toString(), "anomalies", "detect", series.toString(), "--threshold", "1.5");
        assertThat(threshold.code()).isEqualTo(2);
        assertThat(threshold.err()).contains("--threshold=1.5: expected a score in (0, 1]");
        Result verdict = run("--db", dir.resolve("l.duckdb").toString(), "anomalies", "feedback", "x", "--verdict", "maybe");
        assertThat(verdict.code()).isEqualTo(2);
        assertThat(verdict.err()).contains("--verdict=maybe: expected true_positive, false_positive or expected");
    }

    @Test
    void badOptionValues_areUsageErrors_exitTwoNamingTheValueAndTheHelp() {
        String db = dir.resolve("l.duckdb").toString();
        Result state = run("--db", db, "gate", "list", "--state", "bogus");
        assertThat(state.code()).isEqualTo(2);
        assertThat(state.err()).contains("state=bogus: not one of pending_approval, approved", "see 'burnrate gate list --help'")
                .doesNotContain("No enum constant");
        Result filter = run("--db", db, "costs", "--filter", "team=fraud,");
        assertThat(filter.code()).as(filter.err()).isEqualTo(2);
        Result by = run("--db", db, "costs", "--by", "nosuch");
        assertThat(by.code()).as(by.err()).isEqualTo(2);
        Result days = run("--db", db, "anomalies", "--days", "-3");
        assertThat(days.code()).as(days.err()).isEqualTo(2);
        assertThat(days.err()).contains("--days=-3: must be 1 or more");
        // an option's value in capitals is the same value (--state OPEN was taken, --format JSON refused)
        Result upper = run("--db", db, "alerts", "--state", "OPEN", "--format", "JSON");
        assertThat(upper.code()).as(upper.err()).isZero();
        assertThat(upper.out().trim()).isEqualTo("[ ]");
        Result alertState = run("--db", db, "alerts", "--state", "bogus");
        assertThat(alertState.code()).as(alertState.err()).isEqualTo(2);
        assertThat(alertState.err()).contains("--state=bogus: expected open, acknowledged or resolved").doesNotContain("No enum constant");
    }

    @Test
    void alerts_moreThanAListHolds_listsTheNewest500AndSaysThereAreMore() {
        java.nio.file.Path db = dir.resolve("many.duckdb");
        try (Wiring w = Wiring.open(db, null, java.time.Clock.systemUTC())) {
            dev.burnrate.alert.Alerts raise = new dev.burnrate.alert.Alerts(w.alerts(), java.time.Clock.systemUTC(), java.util.Map.of(), java.time.Duration.ZERO, null);
            for (int i = 0; i < 501; i++) {
                raise.raise("budget", dev.burnrate.alert.Alert.Severity.TICKET, "budget:b" + i, "Budget b" + i, "summary", java.util.Map.of(), "/budgets", null, List.of());
            }
        }
        Result r = run("--db", db.toString(), "alerts", "--state", "open", "--format", "csv");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().count()).isEqualTo(501); // the header and 500 alerts
        assertThat(r.err()).contains("showing the newest 500 open alerts; there are more");
    }

    @Test
    void validate_realSample_exitsOneAndListsTheOracleRows() {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        Result r = run("validate", "focus", "--format", "csv", sample.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out().lines().filter(l -> l.contains(",error,ChargeFrequency,Usage-based,"))).hasSize(7);
    }

    @Test
    void validate_severalFilesOneNotFocus_reportsTheOthersAndExitsOne() throws Exception {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        Path notFocus = Files.writeString(dir.resolve("not-focus.csv"), "a,b\n1,2\n");
        Path good = dir.resolve("good.csv");
        Files.write(good, Files.readAllLines(sample).subList(0, 11));
        Result r = run("validate", "focus", notFocus.toString(), good.toString(), dir.resolve("missing.csv").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("not-focus.csv: not checked:", "not a FOCUS export", "missing.csv: not checked:", "no such file",
                "good.csv: FOCUS 1.0, 10 rows, 0 error(s)");
    }

    @Test
    void demo_usesBurnrateDbFromTheEnvironment_andNeverReplacesALedgerItDidNotMake() throws Exception {
        Path db = dir.resolve("env.duckdb");
        java.util.function.UnaryOperator<String> env = k -> k.equals("BURNRATE_DB") ? db.toString() : null;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[]{"demo", "--rows", "2000", "--no-serve"}, new PrintWriter(out, true), new PrintWriter(err, true), TestLedger.CLOCK, env);
        assertThat(code).as(err.toString()).isZero();
        assertThat(db).exists();
        assertThat(dir.resolve(".burnrate")).doesNotExist();
        // a ledger the demo did not make, named by BURNRATE_DB: the demo refuses, and the ledger keeps its rows
        Path real = dir.resolve("real.duckdb");
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        assertThat(run("--db", real.toString(), "import", "focus", sample.toString()).code()).isZero();
        java.util.function.UnaryOperator<String> realEnv = k -> k.equals("BURNRATE_DB") ? real.toString() : null;
        StringWriter err2 = new StringWriter();
        int refused = Main.run(new String[]{"demo", "--rows", "2000", "--no-serve"}, new PrintWriter(new StringWriter(), true), new PrintWriter(err2, true), TestLedger.CLOCK, realEnv);
        assertThat(refused).isEqualTo(1);
        assertThat(err2.toString()).contains("refusing to replace", "real.duckdb");
        assertThat(run("--db", real.toString(), "costs", "--format", "csv").out()).contains("USD,14.97651418586,1000");
    }

    @Test
    void generateThenValidate_generatedFileHasNoErrors() {
        Path out = dir.resolve("gen.csv.gz");
        Result g = run("generate", "focus", "--rows", "3000", "--out", out.toString(), "--version", "1.3");
        assertThat(g.code()).isZero();
        Result v = run("validate", "focus", out.toString());
        assertThat(v.code()).as(v.out()).isZero();
        assertThat(v.out()).contains("FOCUS 1.3, 3000 rows, 0 error(s)");
    }

    @Test
    void gpuImportThenUsage_realNvidiaSmiCapture_reportsIdleGpuTime() {
        Path smi = TestLedger.fixture("gpu/nvidia-smi-h100-training.csv", dir);
        String db = dir.resolve("l.duckdb").toString();
        Result imp = run("--db", db, "gpu", "import", smi.toString(), "--job", "three-phase-run", "--host", "h100-node");
        assertThat(imp.code()).as(imp.err()).isZero();
        assertThat(imp.out()).contains("153 samples read, 153 new");
        Result usage = run("--db", db, "gpu", "usage", "--by", "job", "--format", "csv");
        assertThat(usage.out()).contains("three-phase-run,153,");
    }

    @Test
    void showback_withSharedRulesFromConfig_addsUpToTheMonthsBill() throws Exception {
        Path gen = dir.resolve("gen.csv");
        assertThat(run("generate", "focus", "--rows", "5000", "--out", gen.toString(), "--start", "2026-09-01", "--days", "30").code()).isZero();
        Path yaml = Files.writeString(dir.resolve("burnrate.yaml"), """
                allocation:
                  shared:
                    - name: gpu-pool
                      match: {SubAccountName: shared-gpu-pool}
                      split: proportional
                    - name: data
                      match: {team: data-platform}
                      split: fixed
                      weights: {fraud: 3, search: 1}
                """);
        String db = dir.resolve("l.duckdb").toString();
        assertThat(run("--db", db, "--config", yaml.toString(), "import", "focus", gen.toString()).code()).isZero();
        Result sb = run("--db", db, "--config", yaml.toString(), "showback", "--by", "team", "--month", "2026-09");
        assertThat(sb.code()).as(sb.err()).isZero();
        List<String> lines = sb.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("period,team,currency,direct,shared:data,shared:gpu-pool,total");
        BigDecimal sum = lines.stream().skip(1).map(l -> new BigDecimal(l.substring(l.lastIndexOf(',') + 1))).reduce(BigDecimal.ZERO, BigDecimal::add);
        Result bill = run("--db", db, "costs", "--from", "2026-09-01", "--to", "2026-10-01", "--format", "csv");
        BigDecimal total = new BigDecimal(bill.out().lines().skip(1).findFirst().orElseThrow().split(",")[1]);
        assertThat(sum).isEqualByComparingTo(total);
        assertThat(lines).noneMatch(l -> l.contains(",platform,") || l.contains(",data-platform,"));
        Result bad = run("--db", db, "--config", yaml.toString(), "showback", "--month", "2026-13");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("month=2026-13");
    }

    @Test
    void demo_noServe_loadsAFreshLedgerWithEveryTeam() {
        String db = dir.resolve("demo.duckdb").toString();
        Result d = run("--db", db, "demo", "--rows", "5000", "--no-serve");
        assertThat(d.code()).as(d.err()).isZero();
        Result c = run("--db", db, "costs", "--by", "team");
        assertThat(c.out()).contains("fraud", "search", "recsys", "llm-platform", "__unallocated__");
        // the workloads behind the bill: every training run's cost comes from the bill (x_JobId), inference from its endpoints
        Result u = run("--db", db, "unit-costs", "--by", "model", "--format", "csv");
        assertThat(u.out()).contains("fraud-detector,USD", "assistant-llm,USD");
        assertThat(u.out().lines().skip(1)).allSatisfy(line -> assertThat(line.split(",")[3]).isEqualTo("0")); // no estimated runs
        Result inf = run("--db", db, "inference", "costs", "--by", "feature", "--format", "csv");
        assertThat(inf.out()).contains("support-chat").doesNotContain("no endpoint cost");
        // the gate estimates the demo's retrains from their models' past runs (other instances, providers and regions included)
        for (String id : List.of("demo-assistant-full", "demo-fraud-incremental", "demo-ranker-drift")) {
            Result g = run("--db", db, "gate", "show", id);
            assertThat(g.out()).as(id).contains("(history)").contains("similar past run(s) of").doesNotContain("no similar past runs");
        }
    }

    /**
     * An hourly scan judges today's ended hours too; the listing that follows must show what it found. It listed days
     * up to yesterday, so a runaway seen at 14:00 today was alerted but not listed (the API listed it).
     */
    @Test
    void anomaliesScan_listsTheRunawayFoundInAnHourOfToday() throws Exception {
        java.time.LocalDateTime start = java.time.LocalDateTime.of(2026, 9, 1, 0, 0);
        java.time.LocalDateTime runaway = java.time.LocalDateTime.of(2026, 9, 15, 14, 0);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        dev.burnrate.testing.DailyBill b = new dev.burnrate.testing.DailyBill();
        for (java.time.LocalDateTime h = start; !h.isAfter(runaway); h = h.plusHours(1)) {
            boolean day = h.getHour() >= 8 && h.getHour() < 20;
            b.addHour(h, "Amazon EC2", "i-fraud-train", "{\"team\": \"fraud\"}", BigDecimal.valueOf((day ? 40 : 10) * (1 + 0.03 * rnd.nextGaussian())).setScale(2, java.math.RoundingMode.HALF_EVEN));
        }
        b.addHour(runaway, "Amazon EC2", "i-runaway", "{\"team\": \"fraud\"}", new BigDecimal("300.00"));
        String db = dir.resolve("hours.duckdb").toString();
        java.time.Clock at = java.time.Clock.fixed(java.time.Instant.parse("2026-09-15T15:10:00Z"), java.time.ZoneOffset.UTC);
        StringWriter err = new StringWriter();
        assertThat(dev.burnrate.app.Main.run(new String[]{"--db", db, "import", "focus", b.write(dir.resolve("hours.csv")).toString()},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), at)).as(err.toString()).isZero();
        StringWriter out = new StringWriter();
        assertThat(dev.burnrate.app.Main.run(new String[]{"--db", db, "anomalies", "--scan", "--days", "7", "--format", "json"},
                new PrintWriter(out, true), new PrintWriter(err, true), at)).as(err.toString()).isZero();
        JsonNode rows = new ObjectMapper().readTree(out.toString());
        assertThat(rows).as(out.toString()).anySatisfy(r -> {
            assertThat(r.get("when").asText()).isEqualTo("2026-09-15 14:00");
            assertThat(r.get("root_cause").asText()).contains("i-runaway").containsPattern("\\(share -?\\d+\\.\\d{2}\\)")
                    .doesNotContainPattern("\\.\\d*0 \\(share"); // exact (no trailing zeros of the ledger's scale), with its share as the API gives it
        });

        // a verdict with a note: the list shows the note, the audit log who gave it (a trial found the note shown nowhere)
        String id = rows.get(0).get("id").asText();
        assertThat(dev.burnrate.app.Main.run(new String[]{"--db", db, "anomalies", "feedback", id, "--verdict", "true_positive", "--note", "killed the retry loop"},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), at)).as(err.toString()).isZero();
        StringWriter listed = new StringWriter();
        assertThat(dev.burnrate.app.Main.run(new String[]{"--db", db, "anomalies", "--days", "7", "--format", "json"},
                new PrintWriter(listed, true), new PrintWriter(err, true), at)).as(err.toString()).isZero();
        assertThat(new ObjectMapper().readTree(listed.toString())).as(listed.toString())
                .anySatisfy(r -> assertThat(r.get("id").asText() + " " + r.get("feedback").asText()).isEqualTo(id + " true_positive: killed the retry loop"));
        StringWriter audit = new StringWriter();
        assertThat(dev.burnrate.app.Main.run(new String[]{"--db", db, "audit", "list"}, new PrintWriter(audit, true), new PrintWriter(err, true), at))
                .as(err.toString()).isZero();
        assertThat(audit.toString()).contains("anomaly.feedback", "cli", "killed the retry loop");
        // a verdict that silences says until when
        StringWriter said = new StringWriter();
        assertThat(dev.burnrate.app.Main.run(new String[]{"--db", db, "anomalies", "feedback", id, "--verdict", "expected"},
                new PrintWriter(said, true), new PrintWriter(err, true), at)).as(err.toString()).isZero();
        assertThat(said.toString()).contains(id + ": expected; its incident's scopes are silenced through "
                + java.time.LocalDate.parse(rows.get(0).get("when").asText().substring(0, 10)).plusDays(7) + " and its alert is resolved");
        // taken back, the alert opens again; a verdict that changes no alert says nothing of one (a trial's verdict on
        // an anomaly that never had an alert said "its alert is resolved")
        StringWriter back = new StringWriter();
        assertThat(dev.burnrate.app.Main.run(new String[]{"--db", db, "anomalies", "feedback", id, "--verdict", "true_positive"},
                new PrintWriter(back, true), new PrintWriter(err, true), at)).as(err.toString()).isZero();
        assertThat(back.toString().trim()).isEqualTo("anomaly " + id + ": true_positive; its alert is open again");
        StringWriter again = new StringWriter();
        assertThat(dev.burnrate.app.Main.run(new String[]{"--db", db, "anomalies", "feedback", id, "--verdict", "true_positive"},
                new PrintWriter(again, true), new PrintWriter(err, true), at)).as(err.toString()).isZero();
        assertThat(again.toString().trim()).isEqualTo("anomaly " + id + ": true_positive");
        // its alert, open again: acknowledged, resolved by hand, and then not acknowledged back open
        StringWriter list = new StringWriter();
        assertThat(dev.burnrate.app.Main.run(new String[]{"--db", db, "alerts", "--state", "open", "--format", "json"},
                new PrintWriter(list, true), new PrintWriter(err, true), at)).as(err.toString()).isZero();
        String alert = new com.fasterxml.jackson.databind.ObjectMapper().readTree(list.toString()).get(0).get("id").asText();
        java.util.function.Function<String, Result> change = verb -> {
            StringWriter o = new StringWriter();
            StringWriter e = new StringWriter();
            int code = dev.burnrate.app.Main.run(new String[]{"--db", db, "alerts", verb, alert}, new PrintWriter(o, true), new PrintWriter(e, true), at);
            return new Result(code, o.toString(), e.toString());
        };
        assertThat(change.apply("ack").out().trim()).isEqualTo("alert " + alert + " acknowledged");
        assertThat(change.apply("ack").out().trim()).isEqualTo("alert " + alert + " is already acknowledged");
        assertThat(change.apply("resolve").out().trim()).isEqualTo("alert " + alert + " resolved");
        // who acts is one line (a newline split the audit table into rows that looked like others): a usage error
        StringWriter bad = new StringWriter();
        assertThat(dev.burnrate.app.Main.run(new String[]{"--db", db, "alerts", "resolve", alert, "--by", "a\nb"}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(bad, true), at)).isEqualTo(2);
        assertThat(bad.toString()).contains("must be one line");
        Result late = change.apply("ack");
        assertThat(late.code()).isEqualTo(1);
        assertThat(late.err()).contains("alert " + alert + " is resolved: it cannot be acknowledged");
        // each move once in the audit log, as the user who made it
        StringWriter log = new StringWriter();
        assertThat(dev.burnrate.app.Main.run(new String[]{"--db", db, "audit", "list", "--format", "csv"}, new PrintWriter(log, true), new PrintWriter(err, true), at))
                .as(err.toString()).isZero();
        String me = "cli:" + System.getProperty("user.name");
        StringWriter bare = new StringWriter();
        assertThat(dev.burnrate.app.Main.run(new String[]{"--db", db, "audit", "list", "--subject", alert}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(bare, true), at)).isZero();
        assertThat(bare.toString()).contains("an alert's are about 'alert:" + alert + "'");
        assertThat(log.toString().lines().filter(l -> l.contains("alert:" + alert)).toList()).hasSize(2)
                .anySatisfy(l -> assertThat(l).contains(me, "alert.acknowledged")).anySatisfy(l -> assertThat(l).contains(me, "alert.resolved"));
    }
}
