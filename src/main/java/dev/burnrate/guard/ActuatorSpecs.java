package dev.burnrate.guard;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The actuators a gate request may name: {@code {type: webhook, url, secret}} to an http(s) URL whose host is on
 * {@code actuators.allowedHosts} (so a submitter cannot make the server POST to an address of their choosing), or
 * {@code {type: kubernetes, namespace, job, stop}} through the server's own cluster credentials.
 */
public final class ActuatorSpecs implements Actuators {
    private final List<String> webhookHosts;
    private final Supplier<io.fabric8.kubernetes.client.KubernetesClient> kubernetes;
    private final Clock clock;

    /** {@code webhookHosts}: host names, or {@code *.domain} for any subdomain; empty allows no webhook actuator. */
    public ActuatorSpecs(List<String> webhookHosts, Supplier<io.fabric8.kubernetes.client.KubernetesClient> kubernetes, Clock clock) {
        this.webhookHosts = webhookHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        this.kubernetes = kubernetes;
        this.clock = clock;
    }

    @Override
    public void check(Map<String, String> spec) {
        String type = spec.getOrDefault("type", "");
        switch (type) {
            case "webhook" -> webhookUrl(spec);
            case "kubernetes" -> {
                require(spec, "job");
                stopMode(spec);
            }
            default -> throw new IllegalArgumentException("actuator type '" + type + "' is not one of webhook, kubernetes");
        }
    }

    @Override
    public Actuator create(Map<String, String> spec) {
        check(spec);
        return switch (spec.get("type")) {
            case "webhook" -> new WebhookActuator(webhookUrl(spec), spec.get("secret"));
            case "kubernetes" -> new KubernetesActuator(kubernetes.get(), spec.getOrDefault("namespace", "default"), require(spec, "job"), stopMode(spec), clock);
            default -> throw new IllegalStateException(spec.get("type"));
        };
    }

    private URI webhookUrl(Map<String, String> spec) {
        URI url = dev.burnrate.spec.HttpUrls.require(require(spec, "url"));
        String host = url.getHost().toLowerCase(Locale.ROOT);
        if (!allowed(host)) {
            throw new IllegalArgumentException("actuator.url host '" + host + "' is not on actuators.allowedHosts in burnrate.yaml"
                    + (webhookHosts.isEmpty() ? " (none are allowed)" : " " + webhookHosts));
        }
        return url;
    }

    private boolean allowed(String host) {
        for (String h : webhookHosts) {
            if (h.startsWith("*.") ? host.endsWith(h.substring(1)) : host.equals(h)) return true;
        }
        return false;
    }

    private static KubernetesActuator.StopMode stopMode(Map<String, String> spec) {
        String stop = spec.getOrDefault("stop", "suspend");
        try {
            return KubernetesActuator.StopMode.valueOf(stop.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("actuator.stop '" + stop + "' is not one of suspend, delete");
        }
    }

    private static String require(Map<String, String> spec, String key) {
        String v = spec.get(key);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("actuator needs '" + key + "'");
        return v;
    }
}
