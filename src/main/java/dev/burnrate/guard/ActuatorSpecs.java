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
 * {@code {type: kubernetes, namespace, job, stop}} through the server's own cluster credentials, in a namespace that
 * {@code actuators.kubernetesNamespaces} lists for the request's team (so a submitter cannot make the server suspend or
 * delete another team's, or the cluster's, Jobs).
 */
public final class ActuatorSpecs implements Actuators {
    private final List<String> webhookHosts;
    private final Map<String, List<String>> namespaces;
    private final Supplier<io.fabric8.kubernetes.client.KubernetesClient> kubernetes;
    private final Clock clock;

    /** {@code webhookHosts}: host names, or {@code *.domain} for any subdomain; empty allows no webhook actuator. */
    /** {@code namespaces}: per team, the Kubernetes namespaces its requests may name ({@code "*"}: any team); none: no Kubernetes actuator. */
    public ActuatorSpecs(List<String> webhookHosts, Map<String, List<String>> namespaces,
                         Supplier<io.fabric8.kubernetes.client.KubernetesClient> kubernetes, Clock clock) {
        this.webhookHosts = webhookHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        this.namespaces = Map.copyOf(namespaces);
        this.kubernetes = kubernetes;
        this.clock = clock;
    }

    @Override
    public void check(Map<String, String> spec, String team) {
        String type = spec.getOrDefault("type", "");
        switch (type) {
            case "webhook" -> webhookUrl(spec);
            case "kubernetes" -> {
                require(spec, "job");
                stopMode(spec);
                namespace(spec, team);
            }
            default -> throw new IllegalArgumentException("actuator type '" + type + "' is not one of webhook, kubernetes");
        }
    }

    @Override
    public Actuator create(Map<String, String> spec, String team) {
        check(spec, team);
        return switch (spec.get("type")) {
            case "webhook" -> new WebhookActuator(webhookUrl(spec), spec.get("secret"));
            case "kubernetes" -> new KubernetesActuator(kubernetes.get(), namespace(spec, team), require(spec, "job"), stopMode(spec), clock);
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

    private String namespace(Map<String, String> spec, String team) {
        String ns = spec.getOrDefault("namespace", "default");
        List<String> mine = new java.util.ArrayList<>(namespaces.getOrDefault(team == null ? "" : team, List.of()));
        mine.addAll(namespaces.getOrDefault("*", List.of()));
        if (!mine.contains(ns)) {
            throw new IllegalArgumentException("actuator.namespace '" + ns + "' is not on actuators.kubernetesNamespaces for team " + team
                    + " in burnrate.yaml" + (mine.isEmpty() ? " (none are allowed)" : " " + mine));
        }
        return ns;
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
