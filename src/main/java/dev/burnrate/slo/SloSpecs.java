package dev.burnrate.slo;

import dev.burnrate.ledger.Money;
import dev.burnrate.spec.Nodes;
import dev.burnrate.spec.SpecException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.burnrate.spec.Nodes.decimal;
import static dev.burnrate.spec.Nodes.enumValue;
import static dev.burnrate.spec.Nodes.line;
import static dev.burnrate.spec.Nodes.scalar;
import static dev.burnrate.spec.Nodes.strings;

/**
 * Reads an SLO from a YAML or JSON node, the same way for burnrate.yaml ({@code slos:}) and a stored spec, with errors
 * that name the source, line, key and reason.
 * <pre>
 * id: assistant-latency
 * scope: {model: assistant-llm, variant: v2, feature: chat}   # model required; variant, feature optional
 * sli: latency_p95              # latency_p50 | latency_p95 | latency_p99 | error_rate | cost_per_1k
 * objective: {threshold: 800, unit: ms}   # ms for latency, % for error_rate, a currency (USD) for cost_per_1k
 * target: 99                    # % of the window's intervals that must meet it; error_rate: the good-request ratio
 * window: 28d
 * team: llm-platform            # optional: who owns it (team-scoped API tokens see their teams' SLOs)
 * channels: [ops-webhook]       # optional; otherwise alerts are routed by severity
 *
 * id: training-gpu
 * scope: {pool: ml-training}    # a GPU pool: the samples' namespace, or "*" for every pool
 * sli: gpu_utilisation          # the pool's mean utilisation, hour by hour
 * objective: {threshold: 60, unit: "%"}   # a floor: an hour is bad when the mean is below 60%
 * target: 90                    # % of the hours with samples that must meet it
 * window: 28d
 * </pre>
 * A scope is model-based (inference SLIs) or pool-based ({@code gpu_utilisation}), never both. The objective may name
 * its comparison ({@code comparison: "<="} or {@code ">="}); it must be the SLI's: latency, error rate and cost per 1k
 * are ceilings ({@code <=}), GPU utilisation a floor ({@code >=}). For {@code error_rate} the target may be left out: it
 * is 100 − the objective (≤ 0.5% → 99.5); when given it must be that.
 */
public final class SloSpecs {
    private static final Set<String> KEYS = Set.of("id", "scope", "sli", "objective", "target", "window", "team", "channels");
    private static final Set<String> SCOPE_KEYS = Set.of("model", "variant", "feature", "pool");
    private static final Set<String> OBJECTIVE_KEYS = Set.of("threshold", "unit", "comparison");

    private SloSpecs() {
    }

    /** Parses a JSON (or YAML) document holding one SLO. */
    public static Slo parse(String text, String source) {
        Node n = Nodes.compose(text, source);
        if (n == null) throw new SpecException(source, 1, "(document)", "empty: expected an SLO object");
        return parse(n, source, "slo");
    }

    public static Slo parse(Node node, String source, String path) {
        Map<String, Node> f = Nodes.fields(source, node, path, KEYS);
        for (String required : List.of("id", "scope", "sli", "objective", "window")) {
            if (!f.containsKey(required)) throw new SpecException(source, line(node), path + "." + required, "required");
        }
        String id = scalar(source, f.get("id"), path + ".id");
        if (id.isBlank()) throw new SpecException(source, line(f.get("id")), path + ".id", "must not be blank");
        String p = path + "[" + id + "]";
        Slo.Sli sli = enumValue(source, f.get("sli"), p + ".sli", Slo.Sli.class);
        Slo.Scope scope = scope(source, f.get("scope"), p + ".scope", sli);
        Slo.Objective objective = objective(source, f.get("objective"), p + ".objective", sli);
        BigDecimal target;
        if (sli == Slo.Sli.ERROR_RATE) {
            BigDecimal implied = BigDecimal.valueOf(100).subtract(objective.threshold());
            if (f.containsKey("target")) {
                target = decimal(source, f.get("target"), p + ".target");
                if (target.compareTo(implied) != 0) {
                    throw new SpecException(source, line(f.get("target")), p + ".target", "for error_rate the target is the good-request ratio, 100 − the objective: "
                            + implied.toPlainString() + ", not " + target.toPlainString() + " (or leave it out)");
                }
            } else {
                target = implied;
            }
        } else {
            if (!f.containsKey("target")) {
                throw new SpecException(source, line(node), p + ".target", "required: the % of " + Slos.observed(sli) + " that must meet the objective, e.g. "
                        + (sli.poolBased() ? "90" : "99"));
            }
            target = decimal(source, f.get("target"), p + ".target");
        }
        if (target.signum() <= 0 || target.compareTo(BigDecimal.valueOf(100)) >= 0) {
            Node at = f.containsKey("target") ? f.get("target") : f.get("objective");
            throw new SpecException(source, line(at), p + ".target", "must be above 0 and below 100 (percent), was " + target.toPlainString());
        }
        Duration window = Nodes.duration(source, f.get("window"), p + ".window");
        if (window.compareTo(Duration.ofHours(1)) < 0) {
            throw new SpecException(source, line(f.get("window")), p + ".window", "must be at least 1h, was " + scalar(source, f.get("window"), p + ".window"));
        }
        String team = f.containsKey("team") ? scalar(source, f.get("team"), p + ".team") : null;
        List<String> channels = f.containsKey("channels") ? strings(source, f.get("channels"), p + ".channels") : List.of();
        try {
            return new Slo(id, scope, sli, objective, target, window, team, channels);
        } catch (IllegalArgumentException e) {
            throw new SpecException(source, line(node), p, e.getMessage());
        }
    }

    /** A model-based scope for an inference SLI, a pool-based one for gpu_utilisation; never both. */
    private static Slo.Scope scope(String source, Node n, String path, Slo.Sli sli) {
        Map<String, Node> sc = Nodes.fields(source, n, path, SCOPE_KEYS);
        boolean modelKeys = sc.containsKey("model") || sc.containsKey("variant") || sc.containsKey("feature");
        if (sc.containsKey("pool") && modelKeys) {
            throw new SpecException(source, line(n), path, "a scope is either model-based (model, optionally variant and feature) or pool-based (pool), not both: found "
                    + String.join(", ", sc.keySet()));
        }
        if (sc.containsKey("pool")) {
            String pool = scalar(source, sc.get("pool"), path + ".pool");
            if (!sli.poolBased()) {
                throw new SpecException(source, line(sc.get("pool")), path + ".pool", "'" + sli.label()
                        + "' is an SLI of inference: scope it to a model; only gpu_utilisation is scoped to a GPU pool");
            }
            if (pool.isBlank()) throw new SpecException(source, line(sc.get("pool")), path + ".pool", "must not be blank: a namespace, or \"*\" for every pool");
            return Slo.Scope.pool(pool);
        }
        if (sli.poolBased()) {
            throw new SpecException(source, line(n), path + ".pool", "required: gpu_utilisation is about a GPU pool (the samples' namespace, or \"*\" for every pool)"
                    + (modelKeys ? ", not a model" : ""));
        }
        if (!sc.containsKey("model")) throw new SpecException(source, line(n), path + ".model", "required");
        return new Slo.Scope(scalar(source, sc.get("model"), path + ".model"),
                sc.containsKey("variant") ? scalar(source, sc.get("variant"), path + ".variant") : null,
                sc.containsKey("feature") ? scalar(source, sc.get("feature"), path + ".feature") : null);
    }

    private static Slo.Objective objective(String source, Node n, String path, Slo.Sli sli) {
        if (n instanceof ScalarNode) {
            throw new SpecException(source, line(n), path, "expected {threshold: NUMBER, unit: " + unitHint(sli) + "}");
        }
        Map<String, Node> o = Nodes.fields(source, n, path, OBJECTIVE_KEYS);
        if (!o.containsKey("threshold")) throw new SpecException(source, line(n), path + ".threshold", "required");
        BigDecimal threshold = decimal(source, o.get("threshold"), path + ".threshold");
        if (threshold.signum() < 0) throw new SpecException(source, line(o.get("threshold")), path + ".threshold", "must not be negative, was " + threshold.toPlainString());
        String unit = o.containsKey("unit") ? scalar(source, o.get("unit"), path + ".unit") : null;
        Node at = o.containsKey("unit") ? o.get("unit") : n;
        if (sli.latency()) {
            if (unit == null) unit = "ms";
            if (!unit.equals("ms")) throw new SpecException(source, line(at), path + ".unit", "'" + unit + "': latency objectives are in ms");
            if (threshold.signum() == 0) throw new SpecException(source, line(o.get("threshold")), path + ".threshold", "a latency objective must be positive");
        } else if (sli == Slo.Sli.ERROR_RATE) {
            if (unit == null) unit = "%";
            if (!unit.equals("%")) throw new SpecException(source, line(at), path + ".unit", "'" + unit + "': an error_rate objective is in %");
            if (threshold.signum() == 0 || threshold.compareTo(BigDecimal.valueOf(100)) >= 0) {
                throw new SpecException(source, line(o.get("threshold")), path + ".threshold", "an error rate objective must be above 0 and below 100 (%), was "
                        + threshold.toPlainString());
            }
        } else if (sli == Slo.Sli.GPU_UTILISATION) {
            if (unit == null) unit = "%";
            if (!unit.equals("%")) throw new SpecException(source, line(at), path + ".unit", "'" + unit + "': a gpu_utilisation objective is in %");
            if (threshold.signum() == 0 || threshold.compareTo(BigDecimal.valueOf(100)) > 0) {
                throw new SpecException(source, line(o.get("threshold")), path + ".threshold", "a GPU utilisation objective must be above 0 and at most 100 (%), was "
                        + threshold.toPlainString());
            }
        } else {
            if (unit == null) throw new SpecException(source, line(n), path + ".unit", "required for cost_per_1k: the currency, e.g. USD");
            if (!Money.isKnownCurrency(unit)) throw new SpecException(source, line(at), path + ".unit", "'" + unit + "' is not an ISO 4217 currency code");
        }
        if (o.containsKey("comparison")) {
            String written = scalar(source, o.get("comparison"), path + ".comparison").strip();
            Slo.Comparison c = Slo.Comparison.ofSymbol(written);
            if (c == null) throw new SpecException(source, line(o.get("comparison")), path + ".comparison", "'" + written + "': expected \">=\" or \"<=\"");
            if (c != sli.comparison()) {
                throw new SpecException(source, line(o.get("comparison")), path + ".comparison", "'" + written + "': a " + sli.label() + " objective is "
                        + (sli.comparison() == Slo.Comparison.AT_LEAST ? "a floor (>=): an hour is bad when the pool's mean utilisation is below the threshold"
                        : "a ceiling (<=): an interval is bad when its value is above the threshold"));
            }
        }
        return new Slo.Objective(sli.comparison(), threshold, unit);
    }

    private static String unitHint(Slo.Sli sli) {
        return sli.latency() ? "ms" : sli == Slo.Sli.COST_PER_1K ? "USD" : "%";
    }
}
