package dev.burnrate.alert;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Raises alerts into the outbox. Channels come from the raiser (e.g. a budget's own) or, when it names none,
 * from the routes by severity. Delivery waits the minimum duration, so a condition that clears quickly (the
 * alert resolved before then) never reaches anyone.
 */
public final class Alerts {
    private final AlertStore store;
    private final Clock clock;
    private final Map<Alert.Severity, List<String>> routes;
    private final Duration minDuration;
    private final String dashboardUrl;
    private volatile String servedAt;

    public Alerts(AlertStore store, Clock clock, Map<Alert.Severity, List<String>> routes, Duration minDuration, String dashboardUrl) {
        this.store = store;
        this.clock = clock;
        this.routes = Map.copyOf(routes);
        this.minDuration = minDuration;
        this.dashboardUrl = dashboardUrl;
    }

    /**
     * The address this process serves the dashboard on, for links when no public {@code dashboardUrl} is configured:
     * the bound host and port, or this machine's name when bound to every interface (0.0.0.0, ::).
     */
    public void servedAt(String bind, int port) {
        String host = bind;
        try {
            java.net.InetAddress a = java.net.InetAddress.getByName(bind);
            if (a.isAnyLocalAddress()) host = java.net.InetAddress.getLocalHost().getHostName();
            else if (a instanceof java.net.Inet6Address && !bind.startsWith("[")) host = "[" + bind + "]";
        } catch (java.net.UnknownHostException e) {
            host = bind;
        }
        servedAt = "http://" + host + ":" + port;
    }

    /**
     * The dashboard address of a view: {@code BASE/#ROUTE}, the dashboard being a single page whose views are hash
     * routes ({@code #/budgets?id=fraud}). The base is the configured public URL, else the address this process
     * serves on; null when neither is known (a command run without a server).
     */
    public String dashboardLink(String route) {
        String base = dashboardUrl != null && !dashboardUrl.isBlank() ? dashboardUrl : servedAt;
        if (base == null || route == null) return null;
        return base.replaceAll("/+$", "") + "/#" + (route.startsWith("/") ? route : "/" + route);
    }

    /**
     * Returns true when this is a new alert, false when it only counted another occurrence of an existing one.
     *
     * @param route the dashboard view that shows the alert's subject, e.g. {@code /budgets?id=fraud-monthly}
     */
    public boolean raise(String source, Alert.Severity severity, String dedupKey, String title, String summary,
                         Map<String, String> details, String route, String recommendedAction, List<String> channels) {
        List<String> to = channels.isEmpty() ? routes.getOrDefault(severity, List.of()) : channels;
        Alert a = new Alert(UUID.randomUUID().toString(), source, severity, dedupKey, title, summary, details,
                dashboardLink(route), recommendedAction, to, clock.instant(), Alert.State.OPEN, 1);
        return store.raise(a, to, clock.instant().plus(minDuration));
    }

    public AlertStore store() {
        return store;
    }
}
