package dev.burnrate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.pricing.InstancePrice;
import dev.burnrate.pricing.PriceCatalog;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The compute resources a {@code terraform show -json} plan creates or updates, as policy inputs: type, instance type,
 * region, GPU name and count (from the catalog, or a GCE guest_accelerator), tags / labels, and the projected monthly
 * cost at on-demand rates × 730 h (null when the catalog has no price). Understands aws_instance,
 * google_compute_instance and azurerm_(linux_|windows_)virtual_machine; other resources are listed as skipped.
 */
public final class TerraformPlan {
    private static final BigDecimal HOURS_PER_MONTH = new BigDecimal("730");

    public record Resource(String address, String type, Map<String, Object> variables, BigDecimal monthlyCost) {
    }

    public record Parsed(List<Resource> resources, List<String> skipped) {
    }

    private TerraformPlan() {
    }

    public static Parsed read(Path plan, PriceCatalog catalog) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(plan.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(plan + ": not a JSON plan (terraform show -json plan.out > plan.json): " + e.getMessage());
        }
        JsonNode changes = root.get("resource_changes");
        if (changes == null || !changes.isArray()) throw new IllegalArgumentException(plan + ": no resource_changes array; is this `terraform show -json` output?");
        List<Resource> out = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (JsonNode rc : changes) {
            String address = rc.path("address").asText();
            String type = rc.path("type").asText();
            List<String> actions = new ArrayList<>();
            rc.path("change").path("actions").forEach(a -> actions.add(a.asText()));
            if (!actions.contains("create") && !actions.contains("update")) continue;
            JsonNode after = rc.path("change").path("after");
            Map<String, Object> v = new LinkedHashMap<>();
            String provider;
            String instanceType;
            String region;
            Map<String, String> tags = new LinkedHashMap<>();
            long gpuCount = -1;
            switch (type) {
                case "aws_instance" -> {
                    provider = "AWS";
                    instanceType = after.path("instance_type").asText(null);
                    String az = after.path("availability_zone").asText("");
                    region = az.isEmpty() ? "us-east-1" : az.replaceAll("[a-z]$", "");
                    strings(after.path("tags_all").isObject() ? after.path("tags_all") : after.path("tags"), tags);
                }
                case "google_compute_instance" -> {
                    provider = "Google Cloud";
                    instanceType = after.path("machine_type").asText(null);
                    String zone = after.path("zone").asText("");
                    region = zone.replaceAll("-[a-z]$", "");
                    strings(after.path("labels"), tags);
                    long n = 0;
                    for (JsonNode ga : after.path("guest_accelerator")) n += ga.path("count").asLong();
                    if (n > 0) gpuCount = n;
                }
                case "azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine", "azurerm_virtual_machine" -> {
                    provider = "Azure";
                    instanceType = after.has("size") ? after.path("size").asText(null) : after.path("vm_size").asText(null);
                    region = after.path("location").asText("");
                    strings(after.path("tags"), tags);
                }
                default -> {
                    skipped.add(address + " (" + type + ")");
                    continue;
                }
            }
            Optional<InstancePrice> price = instanceType == null ? Optional.empty() : catalog.find(provider, instanceType, region);
            if (gpuCount < 0) gpuCount = price.map(InstancePrice::gpuCount).orElse(0);
            BigDecimal monthly = price.map(p -> p.onDemand().multiply(HOURS_PER_MONTH).setScale(2, RoundingMode.HALF_UP)).orElse(null);
            v.put("address", address);
            v.put("type", type);
            v.put("actions", actions);
            v.put("provider", provider);
            v.put("instance_type", instanceType);
            v.put("region", region);
            v.put("gpu_name", price.map(InstancePrice::gpuName).orElse(null));
            v.put("gpu_count", gpuCount);
            v.put("tags", tags);
            v.put("monthly_cost", monthly == null ? null : monthly.doubleValue());
            v.put("priced", monthly != null);
            out.add(new Resource(address, type, v, monthly));
        }
        return new Parsed(out, skipped);
    }

    private static void strings(JsonNode obj, Map<String, String> into) {
        if (obj != null && obj.isObject()) obj.fields().forEachRemaining(e -> into.put(e.getKey(), e.getValue().asText()));
    }
}
