package dev.burnrate.intake;

import dev.burnrate.alert.Alert;
import dev.burnrate.app.Wiring;
import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.Granularity;
import dev.burnrate.testing.DailyBill;
import dev.burnrate.testing.MutableClock;
import dev.burnrate.testing.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An S3 billing source against a real S3-compatible server (s3rver, started here): an AWS Data Exports delivery is
 * imported once its manifest is there, its parts together, named by their s3:// URIs; a restatement replaces the
 * period; a bucket that cannot be read raises an alert and makes the source unhealthy. Credentials reach the SDK the
 * way an operator gives them (its default chain: here the aws.accessKeyId / aws.secretAccessKey properties).
 */
class S3SourceTest {
    @TempDir
    static Path serverDir;
    static S3Server s3;
    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2024-10-02T06:00:00Z"));
    static final String DATA = "exports/focus/acme/data/BILLING_PERIOD=2024-09/";
    static final String MANIFEST = "exports/focus/acme/metadata/BILLING_PERIOD=2024-09/acme-Manifest.json";

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3Server(serverDir);
        System.setProperty("aws.accessKeyId", "S3RVER");
        System.setProperty("aws.secretAccessKey", "S3RVER");
    }

    @AfterAll
    static void stop() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        s3.close();
    }

    Wiring open(String bucket) throws Exception {
        Files.writeString(dir.resolve("burnrate.yaml"), """
                sources:
                  - {name: aws, type: s3, bucket: %s, prefix: exports, region: us-east-1, endpoint: "%s", pathStyle: true, every: 1h, staleAfter: 36h}
                """.formatted(bucket, s3.endpoint));
        return Wiring.open(dir.resolve("l.duckdb"), dir.resolve("burnrate.yaml"), clock);
    }

    List<BillSources.Poll> poll(Wiring w) {
        clock.advance(Duration.ofHours(1));
        return w.sources().pollDue();
    }

    BigDecimal total(Wiring w) {
        return w.costs().costs(new CostQuery(List.of(), null, null, Granularity.NONE, CostBasis.BILLED, Map.of())).totals()
                .getOrDefault("USD", BigDecimal.ZERO);
    }

    void putBill(String bucket, String key, DailyBill bill) {
        s3.put(bucket, key, bill.write(dir.resolve("upload.csv")));
    }

    void putManifest(String bucket, String... parts) {
        StringBuilder files = new StringBuilder();
        for (String p : parts) files.append(files.isEmpty() ? "" : ",").append("\"s3://").append(bucket).append('/').append(DATA).append(p).append('"');
        s3.put(bucket, MANIFEST, "{\"executionId\":\"e-" + parts.length + "\",\"dataFiles\":[" + files + "]}");
    }

    @Test
    void awsDataExport_inABucket_isImportedOnceItsManifestIsThere_partsTogether_andARestatementReplacesThePeriod() throws Exception {
        s3.createBucket("billing");
        putBill("billing", DATA + "acme-00001.csv", new DailyBill().daily(LocalDate.of(2024, 9, 1), LocalDate.of(2024, 9, 16), "fraud", "100.00"));
        putBill("billing", DATA + "acme-00002.csv", new DailyBill().daily(LocalDate.of(2024, 9, 16), LocalDate.of(2024, 10, 1), "fraud", "100.00"));
        s3.put("billing", "exports/focus/acme/metadata/BILLING_PERIOD=2024-08/acme-Manifest.json", "{\"dataFiles\":[]}");
        try (Wiring w = open("billing")) {
            assertThat(poll(w)).singleElement().satisfies(p -> assertThat(p.imported()).isZero()); // September's manifest not there yet
            putManifest("billing", "acme-00001.csv", "acme-00002.csv");
            assertThat(poll(w)).singleElement().satisfies(p -> assertThat(p.imported()).isEqualTo(2)); // objects are whole: no second look
            assertThat(total(w)).isEqualByComparingTo("3000.00");
            assertThat(w.focusLedger().imports(10)).extracting(e -> e.file())
                    .containsExactlyInAnyOrder("s3://billing/" + DATA + "acme-00001.csv", "s3://billing/" + DATA + "acme-00002.csv");
            assertThat(poll(w)).singleElement().satisfies(p -> assertThat(p.imported() + p.skipped() + p.failed()).isZero());

            s3.delete("billing", DATA + "acme-00002.csv");
            putBill("billing", DATA + "acme-00001.csv", new DailyBill().daily(LocalDate.of(2024, 9, 1), LocalDate.of(2024, 10, 1), "fraud", "90.00"));
            putManifest("billing", "acme-00001.csv");
            assertThat(poll(w)).singleElement().satisfies(p -> assertThat(p.imported()).isEqualTo(1));
            assertThat(total(w)).isEqualByComparingTo("2700.00");
            assertThat(w.sources().unhealthy()).isEmpty();
        }
    }

    @Test
    void aBucketThatCannotBeRead_raisesAnAlert_andMakesTheSourceUnhealthy() throws Exception {
        try (Wiring w = open("no-such-bucket")) {
            assertThat(poll(w)).singleElement().satisfies(p -> assertThat(p.errors()).singleElement().asString().contains("s3://no-such-bucket/exports"));
            assertThat(w.sources().unhealthy()).containsKey("aws");
            assertThat(w.alerts().list(Alert.State.OPEN, 10)).extracting(Alert::title).contains("Billing source aws cannot be read");
        }
    }
}
