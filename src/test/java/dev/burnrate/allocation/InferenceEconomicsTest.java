package dev.burnrate.allocation;

import dev.burnrate.ingest.RecordException;
import dev.burnrate.ingest.inference.InferenceUsageReader;
import dev.burnrate.ledger.InferenceUsage;
import dev.burnrate.store.DuckInferenceUsages;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real token counts: the first 600 requests of Azure's 2023 LLM inference traces (code: 1,283,287 + 15,900 tokens;
 * conversation: 553,386 + 156,892 tokens), served by one endpoint, ep-assistant, that the bill charges 12.00 USD for
 * the hour. Split by tokens, every feature pays 12.00 / 2,009,465 tokens = 5.971739 USD per 1M tokens, and the model
 * 12.00 / 1,200 requests = 10.000000 USD per 1k inferences.
 */
class InferenceEconomicsTest {
    @TempDir
    Path dir;

    @Test
    void costs_realAzureTraces_splitTheEndpointByTokensAndAddUpToItsCost() throws Exception {
        Path bill = Files.writeString(dir.resolve("bill.csv"), """
                BilledCost,EffectiveCost,BillingCurrency,BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ProviderName,ResourceId
                12.00,12.00,USD,a,2023-11-01T00:00:00Z,2023-12-01T00:00:00Z,2023-11-16T18:00:00Z,2023-11-16T19:00:00Z,Microsoft,ep-assistant
                5.00,5.00,USD,a,2023-11-01T00:00:00Z,2023-12-01T00:00:00Z,2023-11-16T18:00:00Z,2023-11-16T19:00:00Z,Microsoft,other-vm
                """);
        Path code = TestLedger.fixture("inference/azure-llm-code-600.csv", dir);
        Path conv = TestLedger.fixture("inference/azure-llm-conv-600.csv", dir);
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            DuckInferenceUsages usages = new DuckInferenceUsages(l.db);
            List<InferenceUsage> codeUsage = InferenceUsageReader.azureTrace(Files.newBufferedReader(code), "code", Duration.ofMinutes(1),
                    "assistant-llm", "code-completion", "acme", "ep-assistant");
            assertThat(codeUsage.stream().mapToLong(InferenceUsage::requests).sum()).isEqualTo(600);
            assertThat(codeUsage.stream().mapToLong(InferenceUsage::inputTokens).sum()).isEqualTo(1_283_287);
            usages.upsert(codeUsage);
            usages.upsert(InferenceUsageReader.azureTrace(Files.newBufferedReader(conv), "conv", Duration.ofMinutes(1),
                    "assistant-llm", "chat", "globex", "ep-assistant"));
            usages.upsert(codeUsage); // re-sent: replaced, not doubled
            Instant from = Instant.parse("2023-11-16T00:00:00Z");
            Instant to = Instant.parse("2023-11-17T00:00:00Z");
            InferenceEconomics e = new InferenceEconomics(usages);
            Map<String, InferenceEconomics.Line> byFeature = e.by("feature", from, to).stream()
                    .collect(Collectors.toMap(InferenceEconomics.Line::key, x -> x));
            BigDecimal sum = byFeature.values().stream().map(InferenceEconomics.Line::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(sum).isEqualByComparingTo("12.00");
            assertThat(byFeature.get("code-completion").per1MTokens()).isEqualByComparingTo("5.971739");
            assertThat(byFeature.get("chat").per1MTokens()).isEqualByComparingTo("5.971739");
            assertThat(byFeature.get("chat").requests()).isEqualTo(600);
            InferenceEconomics.Line model = e.by("model", from, to).get(0);
            assertThat(model.requests()).isEqualTo(1200);
            assertThat(model.per1kInferences()).isEqualByComparingTo("10.000000");
            assertThat(model.perInference()).isEqualByComparingTo("0.01000000");
            assertThat(e.by("customer", from, to)).extracting(InferenceEconomics.Line::key).containsExactlyInAnyOrder("acme", "globex");

            // lifecycle: a 2 × 3 h p4d retraining of the same model that month (2 × 3 × 21.957642 = 131.75, estimated)
            dev.burnrate.store.DuckJobRuns jobs = new dev.burnrate.store.DuckJobRuns(l.db);
            jobs.upsert(dev.burnrate.ingest.jobs.JobRunJson.parse(new StringReader("{\"id\":\"rt\",\"model\":\"assistant-llm\",\"kind\":\"retraining\","
                    + "\"instanceType\":\"p4d.24xlarge\",\"instanceCount\":2,\"start\":\"2023-11-10T00:00:00Z\",\"end\":\"2023-11-10T03:00:00Z\"}"), "jobs"));
            List<Lifecycle.Line> life = new Lifecycle(jobs, new JobCosts(jobs, dev.burnrate.pricing.PriceCatalog.bundled(), TestLedger.CLOCK), e)
                    .byModel(java.time.YearMonth.of(2023, 11), java.time.YearMonth.of(2023, 11));
            assertThat(life).singleElement().satisfies(x -> {
                assertThat(x.training()).isEqualByComparingTo("131.75");
                assertThat(x.inference()).isEqualByComparingTo("12.00");
                assertThat(x.total()).isEqualByComparingTo("143.75");
            });
        }
    }

    @Test
    void usage_withoutAnEndpointInTheBill_isCountedButHasNoCost() {
        try (TestLedger l = new TestLedger(dir)) {
            DuckInferenceUsages usages = new DuckInferenceUsages(l.db);
            usages.upsert(InferenceUsageReader.ndjson(new StringReader(
                    "{\"start\":\"2026-11-01T00:00:00Z\",\"end\":\"2026-11-01T00:05:00Z\",\"model\":\"m\",\"endpoint\":\"ep-x\",\"requests\":10,\"inputTokens\":100,\"outputTokens\":50}"), "b"));
            InferenceEconomics.Line line = new InferenceEconomics(usages).by("model", Instant.EPOCH, Instant.parse("2027-01-01T00:00:00Z")).get(0);
            assertThat(line.costKnown()).isFalse();
            assertThat(line.requests()).isEqualTo(10);
        }
        assertThatThrownBy(() -> InferenceUsageReader.ndjson(new StringReader(
                "{\"start\":\"2026-11-01T00:00:00Z\",\"end\":\"2026-11-01T00:05:00Z\",\"model\":\"m\",\"requests\":1,\"errors\":5}"), "b"))
                .isInstanceOf(RecordException.class).hasMessageContaining("b:1").hasMessageContaining("errors (5) exceed requests (1)");
    }
}
