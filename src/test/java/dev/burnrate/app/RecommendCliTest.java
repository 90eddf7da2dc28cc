package dev.burnrate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code burnrate recommend} end to end on a real ledger file: a savings plan with 12.345 USD unused over the 30-day
 * lookback (a 30-day month, so 12.345 a month): the table rounds it to 12.35 (half up), CSV and JSON keep 12.345;
 * accept and dismiss are kept, a dismissal without a reason is a usage error and an unknown id a one-line failure.
 */
class RecommendCliTest {
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
    void recommend_unusedCommitment_tableRoundsCsvAndJsonStayExactAndStatesAreKept() throws Exception {
        StringBuilder b = new StringBuilder(dev.burnrate.testing.SavingsBill.HEADER);
        b.append(dev.burnrate.testing.SavingsBill.row(LocalDate.parse("2026-10-10"), "12.345", "0", "Usage", "Committed",
                "Savings Plans for AWS Compute usage", "Compute", "us-east-1", "sp-9", "Unused", null));
        b.append(dev.burnrate.testing.SavingsBill.row(LocalDate.parse("2026-10-31"), "1", "1", "Usage", "Standard",
                "Amazon Elastic Compute Cloud", "Compute", "us-east-1", null, null, "fraud"));
        Path bill = Files.writeString(dir.resolve("bill.csv"), b);
        String db = dir.resolve("l.duckdb").toString();
        assertThat(run("--db", db, "import", "focus", bill.toString()).code()).isZero();

        Result table = run("--db", db, "recommend");
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).contains("commitment", "12.35", "potential monthly saving: 12.35 USD").doesNotContain("12.345");
        Result csv = run("--db", db, "recommend", "--format", "csv", "--kind", "commitment");
        assertThat(csv.out().lines().skip(1).findFirst().orElseThrow()).contains(",USD,12.345,medium,open,");
        JsonNode json = new ObjectMapper().readTree(run("--db", db, "recommend", "--format", "json").out());
        assertThat(json).hasSize(1);
        assertThat(json.get(0).get("monthly_saving").asText()).isEqualTo("12.345");
        assertThat(json.get(0).get("evidence").asText()).contains("unused_effective=12.345");
        assertThat(run("--db", db, "recommend", "--team", "fraud", "--format", "json").out().strip()).isEqualTo("[ ]");

        String id = json.get(0).get("id").asText();
        Result noReason = run("--db", db, "recommend", "dismiss", id);
        assertThat(noReason.code()).isEqualTo(2);
        assertThat(run("--db", db, "recommend", "accept", "commitment-000000000000").err()).contains("no recommendation 'commitment-000000000000'");
        assertThat(run("--db", db, "recommend", "dismiss", id, "--reason", "plan ends in November").code()).isZero();
        assertThat(run("--db", db, "recommend", "--format", "csv").out()).contains("dismissed: plan ends in November");
        assertThat(run("--db", db, "recommend").out()).doesNotContain("potential monthly saving"); // the dismissed one is left out of the total
        assertThat(run("--db", db, "recommend", "--kind", "colour").code()).isEqualTo(2);
        assertThat(run("--db", db, "audit", "list", "--format", "csv").out()).contains("recommendation.dismissed");
    }

    /**
     * {@code --kind} with the storage and inference kinds: 30 days of an inter-region transfer line at 4.00 a day (120 a
     * month): storage (any case) lists it, inference and commitment nothing, another team nothing.
     */
    @Test
    void recommend_kindStorageOrInference_listsThatKindOnly() throws Exception {
        StringBuilder b = new StringBuilder(dev.burnrate.testing.ResourceBill.HEADER);
        for (int d = 30; d >= 1; d--) {
            b.append(dev.burnrate.testing.ResourceBill.s3(LocalDate.parse("2026-11-01").minusDays(d), "arn:aws:s3:::datasets",
                    "$0.02 per GB - US East (Northern Virginia) data transfer to EU (Ireland)", "GB", "4.00", "fraud"));
        }
        Path bill = Files.writeString(dir.resolve("bill.csv"), b);
        String db = dir.resolve("l.duckdb").toString();
        assertThat(run("--db", db, "import", "focus", bill.toString()).code()).isZero();
        Result storage = run("--db", db, "recommend", "--kind", "storage", "--format", "csv");
        assertThat(storage.code()).as(storage.err()).isZero();
        assertThat(storage.out().lines().skip(1).toList()).singleElement().satisfies(line -> assertThat(line)
                .contains(",storage,fraud,").contains("data transfer to EU (Ireland)").contains(",USD,120,medium,open,"));
        Result inference = run("--db", db, "recommend", "--kind", "inference");
        assertThat(inference.code()).isZero();
        assertThat(inference.out()).contains("no recommendations");
        assertThat(run("--db", db, "recommend", "--kind", "commitment").out()).contains("no recommendations");
        assertThat(run("--db", db, "recommend", "--kind", "STORAGE", "--team", "vision", "--format", "json").out().strip()).isEqualTo("[ ]");
    }
}
