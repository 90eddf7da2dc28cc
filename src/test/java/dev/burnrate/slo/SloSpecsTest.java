package dev.burnrate.slo;

import dev.burnrate.app.BurnrateConfig;
import dev.burnrate.app.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SloSpecsTest {
    @TempDir
    Path dir;

    private static final String GOOD = """
            channels:
              ops: {type: webhook, url: "http://127.0.0.1:9/hook", secret: s3cret}
            slos:
              - id: assistant-latency
                scope: {model: assistant-llm, variant: v2, feature: chat}
                sli: latency_p95
                objective: {threshold: 800, unit: ms}
                target: 99
                window: 28d
                team: llm-platform
                channels: [ops]
              - id: fraud-errors
                scope: {model: fraud-detector}
                sli: error_rate
                objective: {threshold: 0.5, unit: "%"}
                window: 7d
              - id: ranker-cost
                scope: {model: ranker-v2}
                sli: cost_per_1k
                objective: {threshold: 0.80, unit: USD}
                target: 95
                window: 30d
            """;

    @Test
    void load_slosInBurnrateYaml_parsedWithDefaultsAndTheImpliedErrorRateTarget() throws Exception {
        BurnrateConfig c = BurnrateConfig.load(Files.writeString(dir.resolve("burnrate.yaml"), GOOD));
        assertThat(c.slos()).extracting(Slo::id).containsExactly("assistant-latency", "fraud-errors", "ranker-cost");
        Slo latency = c.slos().get(0);
        assertThat(latency.scope()).isEqualTo(new Slo.Scope("assistant-llm", "v2", "chat"));
        assertThat(latency.sli()).isEqualTo(Slo.Sli.LATENCY_P95);
        assertThat(latency.objective().threshold()).isEqualByComparingTo("800");
        assertThat(latency.window()).isEqualTo(Duration.ofDays(28));
        assertThat(latency.errorBudget()).isEqualByComparingTo("0.01");
        assertThat(latency.channels()).containsExactly("ops");
        Slo errors = c.slos().get(1);
        assertThat(errors.target()).isEqualByComparingTo("99.5");
        assertThat(errors.errorBudget()).isEqualByComparingTo("0.005");
        assertThat(c.slos().get(2).objective().unit()).isEqualTo("USD");
        assertThat(c.slos().get(2).objective().threshold()).isEqualTo(new BigDecimal("0.80"));
    }

    @Test
    void load_badSlo_failsNamingFileLineKeyAndReason() throws Exception {
        String[][] cases = {
                {"sli: latency_p90", ":6: slos[0][assistant-latency].sli: 'latency_p90' is not one of latency_p50, latency_p95, latency_p99, error_rate, cost_per_1k"},
                {"objective: {threshold: 800, unit: s}", ":7: slos[0][assistant-latency].objective.unit: 's': latency objectives are in ms"},
                {"target: 100", ":8: slos[0][assistant-latency].target: must be above 0 and below 100 (percent), was 100"},
                {"window: 28 days", ":9: slos[0][assistant-latency].window: '28 days': expected a duration such as 30s, 10m, 1h or 2d"},
                {"channels: [pager]", ":4: slos[assistant-latency].channels: no channel named 'pager' under channels:"},
                {"colour: red", ":10: slos[0].colour: unknown key"},
        };
        String[] keys = {"sli: latency_p95", "objective: {threshold: 800, unit: ms}", "target: 99", "window: 28d", "channels: [ops]", "team: llm-platform"};
        for (int i = 0; i < cases.length; i++) {
            String yaml = GOOD.replace(keys[i], cases[i][0]);
            Path f = Files.writeString(dir.resolve("bad" + i + ".yaml"), yaml);
            assertThatThrownBy(() -> BurnrateConfig.load(f)).as(cases[i][0]).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(f.toString()).hasMessageContaining(cases[i][1]);
        }
        Path wrongTarget = Files.writeString(dir.resolve("target.yaml"), GOOD.replace("window: 7d", "window: 7d\n    target: 99"));
        assertThatThrownBy(() -> BurnrateConfig.load(wrongTarget)).hasMessageContaining(
                ":17: slos[1][fraud-errors].target: for error_rate the target is the good-request ratio, 100 − the objective: 99.5, not 99");
        Path noCurrency = Files.writeString(dir.resolve("cur.yaml"), GOOD.replace("unit: USD", "unit: dollars"));
        assertThatThrownBy(() -> BurnrateConfig.load(noCurrency)).hasMessageContaining(":20: slos[2][ranker-cost].objective.unit: 'dollars' is not an ISO 4217 currency code");
        Path twice = Files.writeString(dir.resolve("twice.yaml"), GOOD.replace("id: fraud-errors", "id: assistant-latency"));
        assertThatThrownBy(() -> BurnrateConfig.load(twice)).hasMessageContaining(":12: slos[assistant-latency]: id declared twice");
        Path noModel = Files.writeString(dir.resolve("model.yaml"), GOOD.replace("scope: {model: fraud-detector}", "scope: {feature: scoring}"));
        assertThatThrownBy(() -> BurnrateConfig.load(noModel)).hasMessageContaining(":13: slos[1][fraud-errors].scope.model: required");
    }

    private static final String POOL = """
            slos:
              - id: training-gpu
                scope: {pool: ml-training}
                sli: gpu_utilisation
                objective: {threshold: 60, unit: "%", comparison: ">="}
                target: 90
                window: 28d
                team: ml
              - id: fleet-gpu
                scope: {pool: "*"}
                sli: gpu_utilisation
                objective: {threshold: 40}
                target: 80
                window: 7d
            """;

    @Test
    void load_gpuUtilisationOfAPool_aFloorOverThePoolsHours() throws Exception {
        BurnrateConfig c = BurnrateConfig.load(Files.writeString(dir.resolve("burnrate.yaml"), POOL));
        Slo training = c.slos().get(0);
        assertThat(training.scope()).isEqualTo(Slo.Scope.pool("ml-training"));
        assertThat(training.scope().poolBased()).isTrue();
        assertThat(training.scope().model()).isNull();
        assertThat(training.sli()).isEqualTo(Slo.Sli.GPU_UTILISATION);
        assertThat(training.objective().comparison()).isEqualTo(Slo.Comparison.AT_LEAST);
        assertThat(training.objective()).hasToString(">= 60%");
        assertThat(training.errorBudget()).isEqualByComparingTo("0.10");
        assertThat(training.team()).isEqualTo("ml");
        Slo fleet = c.slos().get(1);
        assertThat(fleet.scope().allPools()).isTrue();
        assertThat(fleet.scope()).hasToString("pool=* (all pools)");
        assertThat(fleet.objective()).as("the unit defaults to %%, the comparison to the SLI's").hasToString(">= 40%");
        assertThat(fleet.objective().meets(new BigDecimal("40"))).isTrue();
        assertThat(fleet.objective().meets(new BigDecimal("39.99"))).isFalse();
        // the inference SLIs keep their ceiling
        Slo latency = BurnrateConfig.load(Files.writeString(dir.resolve("ceiling.yaml"), GOOD)).slos().get(0);
        assertThat(latency.objective().comparison()).isEqualTo(Slo.Comparison.AT_MOST);
        assertThat(latency.objective()).hasToString("<= 800 ms");
    }

    @Test
    void load_badPoolSlo_failsNamingFileLineKeyAndReason() throws Exception {
        String[][] cases = {
                {"scope: {pool: ml-training}", "scope: {model: trainer, pool: ml-training}",
                        ":3: slos[0][training-gpu].scope: a scope is either model-based (model, optionally variant and feature) or pool-based (pool), not both: found model, pool"},
                {"scope: {pool: ml-training}", "scope: {model: trainer}",
                        ":3: slos[0][training-gpu].scope.pool: required: gpu_utilisation is about a GPU pool (the samples' namespace, or \"*\" for every pool), not a model"},
                {"scope: {pool: ml-training}", "scope: {pool: ''}", ":3: slos[0][training-gpu].scope.pool: must not be blank"},
                {"scope: {pool: ml-training}", "scope: {pool: ml-training, namespace: x}", ":3: slos[0][training-gpu].scope.namespace: unknown key"},
                {"sli: gpu_utilisation", "sli: latency_p95",
                        ":3: slos[0][training-gpu].scope.pool: 'latency_p95' is an SLI of inference: scope it to a model; only gpu_utilisation is scoped to a GPU pool"},
                {"comparison: \">=\"", "comparison: \"<=\"",
                        ":5: slos[0][training-gpu].objective.comparison: '<=': a gpu_utilisation objective is a floor (>=): an hour is bad when the pool's mean utilisation is below the threshold"},
                {"comparison: \">=\"", "comparison: \"=>\"", ":5: slos[0][training-gpu].objective.comparison: '=>': expected \">=\" or \"<=\""},
                {"threshold: 60", "threshold: 120", ":5: slos[0][training-gpu].objective.threshold: a GPU utilisation objective must be above 0 and at most 100 (%), was 120"},
                {"threshold: 60", "threshold: 0", ":5: slos[0][training-gpu].objective.threshold: a GPU utilisation objective must be above 0 and at most 100 (%), was 0"},
                {"unit: \"%\"", "unit: ms", ":5: slos[0][training-gpu].objective.unit: 'ms': a gpu_utilisation objective is in %"},
                {"    target: 90\n", "", ":2: slos[0][training-gpu].target: required: the % of hours with samples that must meet the objective, e.g. 90"},
        };
        for (int i = 0; i < cases.length; i++) {
            assertThat(POOL).contains(cases[i][0]);
            Path f = Files.writeString(dir.resolve("pool" + i + ".yaml"), POOL.replaceFirst(java.util.regex.Pattern.quote(cases[i][0]),
                    java.util.regex.Matcher.quoteReplacement(cases[i][1])));
            assertThatThrownBy(() -> BurnrateConfig.load(f)).as(cases[i][1]).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(f.toString()).hasMessageContaining(cases[i][2]);
        }
        // an inference SLI keeps its ceiling: ">=" on latency is refused
        Path latencyFloor = Files.writeString(dir.resolve("latency.yaml"), GOOD.replace("objective: {threshold: 800, unit: ms}",
                "objective: {threshold: 800, unit: ms, comparison: \">=\"}"));
        assertThatThrownBy(() -> BurnrateConfig.load(latencyFloor)).hasMessageContaining(
                ":7: slos[0][assistant-latency].objective.comparison: '>=': a latency_p95 objective is a ceiling (<=): an interval is bad when its value is above the threshold");
    }
}
