package dev.burnrate.recommend;

import dev.burnrate.alert.Alert;
import dev.burnrate.alert.Alerts;
import dev.burnrate.ledger.Money;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * New high-value savings recommendations as ticket alerts: each open recommendation whose monthly saving is more than
 * {@code alertAbove} (in its own currency) is raised once, its dedup key being its id (derived from kind and target, so
 * recomputing finds the same alert and only counts another occurrence); once people accept or dismiss it, its alert is
 * resolved. Run when the server recomputes the recommendations (hourly) and after each import.
 */
public final class SavingsAlerts {
    /** {@code recommendations: {alertAbove: 500}}: the monthly saving a recommendation must exceed to raise a ticket. */
    public record Settings(BigDecimal alertAbove) {
        public Settings {
            Objects.requireNonNull(alertAbove, "alertAbove");
            if (alertAbove.signum() < 0) throw new IllegalArgumentException("alertAbove must not be negative: " + alertAbove);
        }

        public static Settings defaults() {
            return new Settings(new BigDecimal("500"));
        }
    }

    /** What one pass did: the ids newly raised, and how many open recommendations were over the threshold in all. */
    public record Pass(List<String> raised, int over) {
    }

    private final Recommendations recommendations;
    private final Alerts alerts;
    private final Settings settings;
    private final Clock clock;

    public SavingsAlerts(Recommendations recommendations, Alerts alerts, Settings settings, Clock clock) {
        this.recommendations = recommendations;
        this.alerts = alerts;
        this.settings = settings;
        this.clock = clock;
    }

    public static String dedupKey(String recommendationId) {
        return "recommendation:" + recommendationId;
    }

    /** Resolves the ticket of a recommendation people have accepted, dismissed or implemented (at once, not at the next pass). */
    public void settled(String recommendationId) {
        alerts.store().resolve(dedupKey(recommendationId), clock.instant(), "recommendation settled");
    }

    public Pass run() {
        List<String> raised = new ArrayList<>();
        int over = 0;
        for (Recommendation r : recommendations.list(Recommendations.Filter.ALL).recommendations()) {
            if (r.state().status() != Recommendation.Status.OPEN) {
                alerts.store().resolve(dedupKey(r.id()), clock.instant(), "recommendation " + r.state().status().label());
                continue;
            }
            if (r.monthlySaving().amount().compareTo(settings.alertAbove()) <= 0) continue;
            over++;
            if (raise(r)) raised.add(r.id());
        }
        return new Pass(List.copyOf(raised), over);
    }

    private boolean raise(Recommendation r) {
        String cur = r.monthlySaving().currency();
        String saving = Money.display(r.monthlySaving().amount(), cur) + " " + cur;
        Map<String, String> d = new LinkedHashMap<>();
        d.put("recommendation", r.id());
        d.put("kind", r.kind().label());
        if (r.team() != null) d.put("team", r.team()); // who may see the alert: the team whose spend it is
        d.put("target", r.target());
        d.put("monthly saving", saving);
        d.put("risk", r.risk().label());
        d.put("window", r.evidence().from() + " - " + r.evidence().to());
        d.put("rule", r.evidence().rule());
        return alerts.raise("recommend", Alert.Severity.TICKET, dedupKey(r.id()),
                "Save " + saving + " a month (" + r.kind().label() + "): " + r.target(),
                "This recommendation (" + r.kind().label() + ") saves " + saving + " a month (more than " + Money.plain(settings.alertAbove()) + " " + cur
                        + "), " + r.risk().label() + " risk.",
                d, "/savings?id=" + URLEncoder.encode(r.id(), StandardCharsets.UTF_8),
                r.action() + (r.action().endsWith(".") ? "" : ".") + " Then accept it (burnrate recommend accept " + r.id() + "), or dismiss it with the reason.", List.of());
    }
}
