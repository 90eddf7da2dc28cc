package dev.burnrate.policy;

import dev.burnrate.app.Main;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * cost_record policies run on every FOCUS import (the real FOCUS sample): the counts and money they report equal what
 * a plain DuckDB query over the same CSV finds, an enforced notify raises one alert per import, dry runs only report.
 */
class CostRecordPoliciesTest {
    @TempDir
    Path dir;

    String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), TestLedger.CLOCK);
        return new String[]{String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void importOfTheFocusSample_reportsEachPolicysRowsAndEffectiveCost_exactlyAsSqlCountsThem() throws Exception {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        Files.writeString(dir.resolve("burnrate.yaml"), """
                policies:
                  - name: untagged-compute
                    applies_to: cost_record
                    condition: record.ServiceCategory == 'Compute' && !('application' in record.tags)
                    effect: notify
                    message: compute without an application tag
                  - name: costly-rows
                    applies_to: cost_record
                    condition: record.EffectiveCost > 0.1
                    effect: warn
                    message: a single charge above 0.10
                  - name: oracle-watch
                    applies_to: cost_record
                    condition: record.ProviderName == 'Oracle'
                    effect: deny
                    mode: dry_run
                    message: Oracle charges are reviewed by hand
                  - name: nothing-matches
                    applies_to: cost_record
                    condition: record.ProviderName == 'Nobody'
                    effect: deny
                    message: never
                """);
        String db = dir.resolve("l.duckdb").toString();
        String cfg = dir.resolve("burnrate.yaml").toString();
        String[] r = run("--db", db, "--config", cfg, "import", "focus", sample.toString());
        assertThat(r[0]).as(r[1] + r[2]).isEqualTo("0");
        String out = r[1];

        // the reference: DuckDB over the CSV itself, row by row
        long untagged;
        BigDecimal untaggedCost;
        long costly;
        long oracle;
        try (var c = DriverManager.getConnection("jdbc:duckdb:"); var s = c.createStatement()) {
            String csv = "read_csv('" + sample + "', all_varchar = true, nullstr = 'NULL')";
            try (ResultSet q = s.executeQuery("SELECT count(*), sum(CAST(EffectiveCost AS DECIMAL(38,18))) FROM " + csv
                    + " WHERE ServiceCategory = 'Compute' AND (Tags IS NULL OR json_extract(Tags, '$.application') IS NULL)")) {
                q.next();
                untagged = q.getLong(1);
                untaggedCost = q.getBigDecimal(2);
            }
            try (ResultSet q = s.executeQuery("SELECT count(*) FROM " + csv + " WHERE CAST(EffectiveCost AS DECIMAL(38,18)) > 0.1")) {
                q.next();
                costly = q.getLong(1);
            }
            try (ResultSet q = s.executeQuery("SELECT count(*) FROM " + csv + " WHERE ProviderName = 'Oracle'")) {
                q.next();
                oracle = q.getLong(1);
            }
        }
        assertThat(untagged).isPositive();
        assertThat(out).contains("policy untagged-compute (notify): " + sample + ": " + String.format("%,d", untagged) + " rows, effective "
                + dev.burnrate.ledger.Money.display(untaggedCost, "USD") + " USD"); // shown to people: rounded to cents
        assertThat(out).contains("policy costly-rows (warn): " + sample + ": " + String.format("%,d", costly) + " rows");
        assertThat(out).contains("policy oracle-watch (dry run: deny): " + sample + ": " + oracle + " rows");
        assertThat(out).doesNotContain("nothing-matches");

        // the enforced notify is an alert (once per import); warn and the dry run are not
        String[] alerts = run("--db", db, "--config", cfg, "alerts", "--format", "csv");
        assertThat(alerts[1]).contains("Policy untagged-compute matched " + untagged + " cost records of " + sample)
                .doesNotContain("costly-rows", "oracle-watch");
    }
}
