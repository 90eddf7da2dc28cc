package dev.burnrate.gate;

import dev.burnrate.pricing.PriceCatalog;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a pipeline asks before it allocates compute: which model and team, what kind of run, why (the trigger), on what
 * (instance type × count, pricing, region), how big (expected hours, dataset size), and who asks.
 *
 * @param actuator how the guard reaches the job when it must checkpoint or stop it: {@code type} webhook (url, secret)
 *                 or kubernetes (namespace, job, stop = suspend | delete); empty when the caller acts itself
 */
public record GateRequest(String id, String model, String team, Kind kind, Trigger trigger, String provider, String instanceType,
                          int count, PriceCatalog.Pricing pricing, String region, BigDecimal expectedHours, BigDecimal datasetGb,
                          Map<String, String> tags, String requester, Map<String, String> actuator) {

    public enum Kind {
        FULL, INCREMENTAL, HPO, EXPERIMENT;

        @com.fasterxml.jackson.annotation.JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Does a stored job run (kind, tier) count as this kind of run for estimates? */
        public boolean matches(String jobKind, String jobTier) {
            if (jobKind == null) return false;
            return switch (this) {
                case FULL -> (jobKind.equals("training") || jobKind.equals("retraining") || jobKind.equals("fine_tune"))
                        && !"incremental".equals(jobTier);
                case INCREMENTAL -> "incremental".equals(jobTier);
                case HPO -> jobKind.equals("hpo_trial");
                case EXPERIMENT -> jobKind.equals("experiment");
            };
        }
    }

    /**
     * Why the run is asked for: {@code drift} (with a drift score), {@code accuracy} (with the drop in accuracy, in
     * points), {@code schedule} or {@code manual}.
     */
    /**
     * The first field in which {@code other} asks for different work than this request (model, team, kind, capacity,
     * pricing, where, how long, how much data), or null when it is the same request sent again.
     */
    public String differsFrom(GateRequest other) {
        if (!java.util.Objects.equals(model, other.model)) return "model";
        if (!java.util.Objects.equals(team, other.team)) return "team";
        if (kind != other.kind) return "kind";
        if (!java.util.Objects.equals(provider, other.provider)) return "provider";
        if (!java.util.Objects.equals(instanceType, other.instanceType)) return "instanceType";
        if (count != other.count) return "count";
        if (pricing != other.pricing) return "pricing";
        if (!java.util.Objects.equals(region, other.region)) return "region";
        if (!sameNumber(expectedHours, other.expectedHours)) return "expectedHours";
        if (!sameNumber(datasetGb, other.datasetGb)) return "datasetGb";
        return null;
    }

    private static boolean sameNumber(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }

    public record Trigger(String type, BigDecimal driftScore, BigDecimal accuracyDelta) {
        public Trigger {
            type = type == null ? "manual" : type.toLowerCase(Locale.ROOT);
            if (!java.util.Set.of("drift", "accuracy", "schedule", "manual").contains(type)) {
                throw new IllegalArgumentException("trigger.type '" + type + "' is not one of drift, accuracy, schedule, manual");
            }
            if (type.equals("drift") && driftScore == null) throw new IllegalArgumentException("trigger.driftScore is required for a drift trigger");
            if (type.equals("accuracy") && accuracyDelta == null) {
                throw new IllegalArgumentException("trigger.accuracyDelta is required for an accuracy trigger");
            }
        }

        public boolean isQualityTrigger() {
            return type.equals("drift") || type.equals("accuracy");
        }
    }

    public GateRequest {
        if (model == null || model.isBlank()) throw new IllegalArgumentException("model is required");
        if (team == null || team.isBlank()) throw new IllegalArgumentException("team is required");
        Objects.requireNonNull(kind, "kind is required (full, incremental, hpo, experiment)");
        trigger = trigger == null ? new Trigger("manual", null, null) : trigger;
        provider = provider == null ? "AWS" : provider;
        if (instanceType == null || instanceType.isBlank()) throw new IllegalArgumentException("instanceType is required");
        if (count <= 0) throw new IllegalArgumentException("count must be at least 1, was " + count);
        pricing = pricing == null ? PriceCatalog.Pricing.ON_DEMAND : pricing;
        region = region == null ? "us-east-1" : region;
        if (expectedHours != null && expectedHours.signum() <= 0) throw new IllegalArgumentException("expectedHours must be positive, was " + expectedHours);
        if (datasetGb != null && datasetGb.signum() <= 0) throw new IllegalArgumentException("datasetGb must be positive, was " + datasetGb);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        requester = requester == null || requester.isBlank() ? "anonymous" : requester;
        actuator = actuator == null ? Map.of() : Map.copyOf(actuator);
    }

    public GateRequest withId(String newId) {
        return new GateRequest(newId, model, team, kind, trigger, provider, instanceType, count, pricing, region, expectedHours, datasetGb,
                tags, requester, actuator);
    }

    public GateRequest withPricing(PriceCatalog.Pricing p) {
        return new GateRequest(id, model, team, kind, trigger, provider, instanceType, count, p, region, expectedHours, datasetGb, tags,
                requester, actuator);
    }

    public GateRequest withKind(Kind k) {
        return new GateRequest(id, model, team, k, trigger, provider, instanceType, count, pricing, region, expectedHours, datasetGb, tags,
                requester, actuator);
    }

    public GateRequest withInstance(String type, int n) {
        return new GateRequest(id, model, team, kind, trigger, provider, type, n, pricing, region, expectedHours, datasetGb, tags,
                requester, actuator);
    }

    /** The request as CEL sees it: {@code request.model}, {@code request.tags.env}, {@code request.trigger.drift_score}. */
    public Map<String, Object> asVariables() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("model", model);
        m.put("team", team);
        m.put("kind", kind.label());
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("type", trigger.type());
        t.put("drift_score", trigger.driftScore() == null ? null : trigger.driftScore().doubleValue());
        t.put("accuracy_delta", trigger.accuracyDelta() == null ? null : trigger.accuracyDelta().doubleValue());
        m.put("trigger", t);
        m.put("provider", provider);
        m.put("instance_type", instanceType);
        m.put("count", (long) count);
        m.put("pricing", pricing.name().toLowerCase(Locale.ROOT));
        m.put("region", region);
        m.put("expected_hours", expectedHours == null ? null : expectedHours.doubleValue());
        m.put("dataset_gb", datasetGb == null ? null : datasetGb.doubleValue());
        m.put("tags", tags);
        m.put("requester", requester);
        return m;
    }
}
