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

    public Alerts(AlertStore store, Clock clock, Map<Alert.Severity, List<String>> routes, Duration minDuration, String dashboardUrl) {
        this.store = store;
        this.clock = clock;
        this.routes = Map.copyOf(routes);
        this.minDuration = minDuration;
        this.dashboardUrl = dashboardUrl;
    }

    /** Returns true when this is a new alert, false when it only counted another occurrence of an existing one. */
    public boolean raise(String source, Alert.Severity severity, String dedupKey, String title, String summary,
                         Map<String, String> details, String linkPath, String recommendedAction, List<String> channels) {
        List<String> to = channels.isEmpty() ? routes.getOrDefault(severity, List.of()) : channels;
        Alert a = new Alert(UUID.randomUUID().toString(), source, severity, dedupKey, title, summary, details,
                dashboardUrl == null || linkPath == null ? null : dashboardUrl.replaceAll("/+$", "") + linkPath,
                recommendedAction, to, clock.instant(), Alert.State.OPEN, 1);
        return store.raise(a, to, clock.instant().plus(minDuration));
    }

    public AlertStore store() {
        return store;
    }
}
