package dev.burnrate.policy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.pricing.InstancePrice;
import dev.burnrate.pricing.PriceCatalog;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The compute resources a {@code terraform show -json} plan creates or updates, as policy inputs: type, instance
 * type(s), region, GPU name and count per instance (from the catalog, or a GCE guest_accelerator), instance count
 * (desired and maximum), tags / labels, and the projected monthly cost = count × on-demand rate × 730 h (null, with
 * the reason, when the catalog has no price or the plan does not say the region).
 *
 * <p>Understands aws_instance, aws_launch_template (runs nothing itself: count 0), aws_autoscaling_group (desired
 * capacity, or min size while AWS computes it, and max size, of its launch template's instance type or of its
 * mixed_instances_policy overrides, priced at the dearest override per unit of weighted capacity: an upper bound),
 * aws_eks_node_group (instance_types or its launch template's, scaling_config), google_compute_instance and
 * azurerm_(linux_|windows_)virtual_machine; other resources are listed as skipped.
 *
 * <p>The region is the resource's own (region, availability zone) or else its provider configuration's
 * ({@code configuration.provider_config[provider_config_key].expressions.region}: a constant, or a root variable's
 * planned value), aliased providers and modules included. A plan without {@code resource_changes} (nothing to
 * change) has no resources; anything after the JSON document is an error.
 */
public final class TerraformPlan {
    private static final BigDecimal HOURS_PER_MONTH = new BigDecimal("730");
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String EKS_DEFAULT_INSTANCE_TYPE = "t3.medium";

    /** {@code priceNote} says how the monthly cost was reached, or why there is none. */
    public record Resource(String address, String type, Map<String, Object> variables, BigDecimal monthlyCost, String priceNote) {
    }

    public record Parsed(List<Resource> resources, List<String> skipped) {
    }

    private TerraformPlan() {
    }

    public static Parsed read(Path plan, PriceCatalog catalog) {
        JsonNode root;
        try {
            root = JSON.readTree(plan.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // includes text after the document (FAIL_ON_TRAILING_TOKENS): a plan with anything appended is not trusted
            String at = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new IllegalArgumentException(plan + at + ": not a JSON plan (terraform show -json plan.out > plan.json): "
                    + e.getOriginalMessage().split("\n")[0]);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + plan + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException(plan + ": not a JSON object; is this `terraform show -json` output?");
        JsonNode changes = root.get("resource_changes");
        if (changes == null) {
            // terraform omits resource_changes when the plan changes nothing
            if (!root.has("format_version")) throw new IllegalArgumentException(plan + ": no resource_changes and no format_version; is this `terraform show -json` output?");
            return new Parsed(List.of(), List.of());
        }
        if (!changes.isArray()) throw new IllegalArgumentException(plan + ": resource_changes is not an array; is this `terraform show -json` output?");
        Plan p = new Plan(root, changes);
        List<Resource> out = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (JsonNode rc : changes) {
            List<String> actions = new ArrayList<>();
            rc.path("change").path("actions").forEach(a -> actions.add(a.asText()));
            if (!actions.contains("create") && !actions.contains("update")) continue;
            if (!"managed".equals(rc.path("mode").asText("managed"))) continue;
            Resource r = resource(p, rc, actions, catalog);
            if (r == null) skipped.add(rc.path("address").asText() + " (" + rc.path("type").asText() + ")");
            else out.add(r);
        }
        return new Parsed(out, skipped);
    }

    /** What a resource runs: instance types (the first the one priced unless weighted), count and maximum. */
    private static final class Fleet {
        String provider;
        String region;
        final List<String> types = new ArrayList<>();
        final List<BigDecimal> weights = new ArrayList<>();
        long count = 1;
        long maxCount = 1;
        long gpuCount = -1;
        String note;
        final Map<String, String> tags = new LinkedHashMap<>();
    }

    private static Resource resource(Plan p, JsonNode rc, List<String> actions, PriceCatalog catalog) {
        String address = rc.path("address").asText();
        String type = rc.path("type").asText();
        JsonNode after = rc.path("change").path("after");
        Fleet f = new Fleet();
        switch (type) {
            case "aws_instance" -> {
                f.provider = "AWS";
                addType(f, text(after, "instance_type"), null);
                f.region = p.awsRegion(rc, after);
                tags(after, f.tags);
            }
            case "aws_launch_template" -> {
                f.provider = "AWS";
                addType(f, text(after, "instance_type"), null);
                f.region = p.awsRegion(rc, after);
                f.count = 0;
                f.maxCount = 0;
                f.note = "a launch template runs nothing itself: priced where a group uses it";
                tags(after, f.tags);
            }
            case "aws_autoscaling_group" -> {
                f.provider = "AWS";
                f.region = p.awsRegion(rc, after);
                JsonNode mixed = after.path("mixed_instances_policy").path(0).path("launch_template").path(0);
                JsonNode template = mixed.isMissingNode()
                        ? p.launchTemplate(rc, after.path("launch_template").path(0), "launch_template", "id", "name")
                        : p.launchTemplate(rc, mixed.path("launch_template_specification").path(0),
                        "mixed_instances_policy.launch_template.launch_template_specification", "launch_template_id", "launch_template_name");
                for (JsonNode o : mixed.path("override")) {
                    String t = text(o, "instance_type");
                    if (t != null) addType(f, t, weight(rc, o.path("weighted_capacity")));
                }
                if (f.types.isEmpty() && template != null) addType(f, text(template, "instance_type"), null);
                boolean desiredKnown = after.hasNonNull("desired_capacity");
                f.count = desiredKnown ? after.path("desired_capacity").asLong() : after.path("min_size").asLong(0);
                f.maxCount = after.path("max_size").asLong(f.count);
                if (!desiredKnown) f.note = "no desired_capacity: AWS starts the group at min_size " + f.count;
                if (template != null) tags(template, f.tags);
                for (JsonNode t : after.path("tag")) f.tags.put(t.path("key").asText(), t.path("value").asText());
            }
            case "aws_eks_node_group" -> {
                f.provider = "AWS";
                f.region = p.awsRegion(rc, after);
                JsonNode template = p.launchTemplate(rc, after.path("launch_template").path(0), "launch_template", "id", "name");
                for (JsonNode t : after.path("instance_types")) addType(f, t.asText(), null);
                if (f.types.isEmpty() && template != null) addType(f, text(template, "instance_type"), null);
                if (f.types.isEmpty() && template == null) {
                    addType(f, EKS_DEFAULT_INSTANCE_TYPE, null);
                    f.note = "no instance_types: EKS uses " + EKS_DEFAULT_INSTANCE_TYPE;
                }
                JsonNode sc = after.path("scaling_config").path(0);
                f.count = sc.path("desired_size").asLong(sc.path("min_size").asLong(0));
                f.maxCount = sc.path("max_size").asLong(f.count);
                if (template != null) tags(template, f.tags);
                tags(after, f.tags);
            }
            case "google_compute_instance" -> {
                f.provider = "Google Cloud";
                addType(f, text(after, "machine_type"), null);
                String zone = text(after, "zone");
                if (zone == null) zone = p.providerSetting(rc, "zone");
                f.region = zone != null ? zone.replaceAll("-[a-z]$", "") : p.providerSetting(rc, "region");
                strings(after.path("labels"), f.tags);
                long n = 0;
                for (JsonNode ga : after.path("guest_accelerator")) n += ga.path("count").asLong();
                if (n > 0) f.gpuCount = n;
            }
            case "azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine", "azurerm_virtual_machine" -> {
                f.provider = "Azure";
                addType(f, after.has("size") ? text(after, "size") : text(after, "vm_size"), null);
                f.region = text(after, "location");
                strings(after.path("tags"), f.tags);
            }
            default -> {
                return null;
            }
        }
        return price(address, type, actions, f, catalog);
    }

    private static Resource price(String address, String type, List<String> actions, Fleet f, PriceCatalog catalog) {
        // per unit of capacity: the dearest instance type (an upper bound when a group may run any of them)
        BigDecimal perUnit = null;
        InstancePrice dearest = null;
        String missing = null;
        long gpus = 0;
        String gpuName = null;
        for (int i = 0; i < f.types.size(); i++) {
            Optional<InstancePrice> price = f.region == null ? Optional.empty() : catalog.find(f.provider, f.types.get(i), f.region);
            if (price.isEmpty()) {
                // GPUs are a property of the instance type, whatever the region: policies still see them
                for (InstancePrice other : catalog.search(null, f.provider, null, f.types.get(i))) {
                    if (other.gpuCount() > gpus) {
                        gpus = other.gpuCount();
                        gpuName = other.gpuName();
                    }
                }
                if (missing == null) missing = f.region == null ? "no region: neither the resource nor its provider configuration sets one"
                        : "no catalog price for " + f.provider + " " + f.types.get(i) + " in " + f.region;
                continue;
            }
            InstancePrice ip = price.get();
            BigDecimal unit = f.weights.get(i) == null ? ip.onDemand() : ip.onDemand().divide(f.weights.get(i), MathContext.DECIMAL128);
            if (perUnit == null || unit.compareTo(perUnit) > 0) {
                perUnit = unit;
                dearest = ip;
            }
            if (ip.gpuCount() > gpus) {
                gpus = ip.gpuCount();
                gpuName = ip.gpuName();
            }
        }
        if (f.types.isEmpty()) missing = "no instance type in the plan (unknown until apply, or from a launch template outside it)";
        if (f.gpuCount < 0) f.gpuCount = gpus;
        BigDecimal monthly = null;
        BigDecimal maxMonthly = null;
        String note;
        if (f.count == 0 && f.maxCount == 0) {
            monthly = BigDecimal.ZERO.setScale(2);
            maxMonthly = monthly;
            note = f.note != null ? f.note : "count 0";
        } else if (missing != null || perUnit == null) {
            note = missing;
        } else {
            monthly = perUnit.multiply(BigDecimal.valueOf(f.count)).multiply(HOURS_PER_MONTH).setScale(2, RoundingMode.HALF_UP);
            maxMonthly = perUnit.multiply(BigDecimal.valueOf(f.maxCount)).multiply(HOURS_PER_MONTH).setScale(2, RoundingMode.HALF_UP);
            note = f.count + " × " + dearest.instanceType() + " " + dearest.onDemand().stripTrailingZeros().toPlainString() + " USD/h"
                    + (perUnit.compareTo(dearest.onDemand()) != 0 ? " / weight" : "") + " × 730 h" + (f.note == null ? "" : "; " + f.note);
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("address", address);
        v.put("type", type);
        v.put("actions", actions);
        v.put("provider", f.provider);
        v.put("instance_type", f.types.isEmpty() ? null : f.types.get(0));
        v.put("instance_types", List.copyOf(f.types));
        v.put("region", f.region);
        v.put("gpu_name", gpuName);
        v.put("gpu_count", f.gpuCount);
        v.put("count", f.count);
        v.put("max_count", f.maxCount);
        v.put("total_gpus", f.gpuCount * f.count);
        v.put("max_total_gpus", f.gpuCount * f.maxCount);
        v.put("tags", f.tags);
        v.put("monthly_cost", monthly == null ? null : monthly.doubleValue());
        v.put("max_monthly_cost", maxMonthly == null ? null : maxMonthly.doubleValue());
        v.put("priced", monthly != null);
        return new Resource(address, type, v, monthly, note);
    }

    /** An override's weighted_capacity: a positive number, or null when absent (unknown until apply counts as absent). */
    private static BigDecimal weight(JsonNode rc, JsonNode w) {
        if (w.isMissingNode() || w.isNull() || w.asText().isEmpty()) return null;
        try {
            BigDecimal v = new BigDecimal(w.asText());
            if (v.signum() > 0) return v;
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(rc.path("address").asText() + ": mixed_instances_policy override weighted_capacity '" + w.asText()
                + "' is not a positive number");
    }

    private static void addType(Fleet f, String type, BigDecimal weight) {
        if (type == null || type.isBlank()) return;
        f.types.add(type);
        f.weights.add(weight);
    }

    private static String text(JsonNode obj, String field) {
        JsonNode n = obj.path(field);
        return n.isTextual() && !n.asText().isBlank() ? n.asText() : null;
    }

    private static void tags(JsonNode after, Map<String, String> into) {
        strings(after.path("tags_all").isObject() ? after.path("tags_all") : after.path("tags"), into);
    }

    private static void strings(JsonNode obj, Map<String, String> into) {
        if (obj != null && obj.isObject()) obj.fields().forEachRemaining(e -> into.put(e.getKey(), e.getValue().asText()));
    }

    /** The plan's configuration: provider settings per resource, and which launch template a group refers to. */
    private static final class Plan {
        private final JsonNode root;
        private final JsonNode providers;
        private final Map<String, JsonNode> configByAddress = new HashMap<>();
        private final Map<String, JsonNode> changeByAddress = new LinkedHashMap<>();

        Plan(JsonNode root, JsonNode changes) {
            this.root = root;
            this.providers = root.path("configuration").path("provider_config");
            index(root.path("configuration").path("root_module"), "");
            for (JsonNode rc : changes) changeByAddress.put(rc.path("address").asText(), rc);
        }

        private void index(JsonNode module, String prefix) {
            for (JsonNode r : module.path("resources")) {
                configByAddress.put(prefix + r.path("address").asText(), r);
            }
            module.path("module_calls").fields().forEachRemaining(e -> index(e.getValue().path("module"), prefix + "module." + e.getKey() + "."));
        }

        /** The configuration block of a resource change: module instance keys and the resource's index dropped. */
        JsonNode config(JsonNode rc) {
            String module = rc.path("module_address").asText("").replaceAll("\\[[^]]*]", "");
            String key = (module.isEmpty() ? "" : module + ".") + rc.path("type").asText() + "." + rc.path("name").asText();
            return configByAddress.get(key);
        }

        String awsRegion(JsonNode rc, JsonNode after) {
            String own = text(after, "region"); // AWS provider 6: a per-resource region
            if (own != null) return own;
            String az = text(after, "availability_zone");
            if (az == null && after.path("availability_zones").path(0).isTextual()) az = after.path("availability_zones").path(0).asText();
            if (az != null && !az.isBlank()) return az.replaceAll("[a-z]$", "");
            return providerSetting(rc, "region");
        }

        /** A setting of the resource's provider configuration: a constant, or a root module variable's value. */
        String providerSetting(JsonNode rc, String setting) {
            JsonNode cfg = config(rc);
            String key = cfg != null && cfg.hasNonNull("provider_config_key") ? cfg.path("provider_config_key").asText()
                    : rc.path("provider_name").asText().replaceAll(".*/", "");
            JsonNode provider = providers.path(key);
            JsonNode expr = provider.path("expressions").path(setting);
            if (expr.path("constant_value").isTextual()) return expr.path("constant_value").asText();
            boolean rootModule = provider.path("module_address").asText("").isEmpty();
            for (JsonNode ref : expr.path("references")) {
                String r = ref.asText();
                if (rootModule && r.startsWith("var.")) {
                    JsonNode value = root.path("variables").path(r.substring(4)).path("value");
                    if (value.isTextual()) return value.asText();
                }
            }
            return null;
        }

        /**
         * The planned values of the launch template a group's specification names: by the reference in the
         * configuration ({@code aws_launch_template.x.id}), else by id or name among the plan's resource changes.
         */
        JsonNode launchTemplate(JsonNode rc, JsonNode spec, String path, String idField, String nameField) {
            JsonNode cfg = config(rc);
            if (cfg != null) {
                JsonNode expr = cfg.path("expressions");
                for (String step : path.split("\\.")) expr = expr.path(step).path(0);
                String prefix = modulePrefix(rc);
                for (String field : List.of(idField, nameField)) {
                    for (JsonNode ref : expr.path(field).path("references")) {
                        String r = ref.asText();
                        if (!r.startsWith("aws_launch_template.")) continue;
                        String target = prefix + r.replaceAll("\\.(id|name|arn)$", "");
                        for (Map.Entry<String, JsonNode> e : changeByAddress.entrySet()) {
                            if (e.getKey().equals(target) || e.getKey().startsWith(target + "[")) return e.getValue().path("change").path("after");
                        }
                    }
                }
            }
            String id = text(spec, idField);
            String name = text(spec, nameField);
            for (JsonNode other : changeByAddress.values()) {
                if (!"aws_launch_template".equals(other.path("type").asText())) continue;
                JsonNode a = other.path("change").path("after");
                if ((id != null && id.equals(text(a, "id"))) || (name != null && name.equals(text(a, "name")))) return a;
            }
            return null;
        }

        private String modulePrefix(JsonNode rc) {
            String module = rc.path("module_address").asText("");
            return module.isEmpty() ? "" : module + ".";
        }
    }
}
