package dev.burnrate.anomaly;

import dev.burnrate.alert.Alert;
import dev.burnrate.alert.Alerts;
import dev.burnrate.ledger.Buckets;
import dev.burnrate.ledger.Money;
import dev.burnrate.slo.ServiceEvent;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The page or ticket an incident raises: what it is, what it has cost, its causes, and what to do first. */
final class IncidentAlert {
    private IncidentAlert() {
    }

    /**
     * Raises the alert of an incident led by {@code a} (a page or a ticket, by its severity; keyed by the anomaly so
     * that a rescan does not raise it again), with what it cost to date where it was found days after it began.
     */
    static void raise(Alerts alerts, CostAnomaly a, List<CostAnomaly> related, Optional<Course> course, Optional<String> scopeName,
                      List<ServiceEvent> before) {
        Map<String, String> d = new LinkedHashMap<>();
        String scope = a.dimension() + "=" + a.value() + scopeName.map(n -> " (" + n + ")").orElse("");
        d.put("scope", scope);
        d.put(a.hour() == null ? "day" : "hour", a.when());
        String cur = a.currency();
        d.put("actual", Money.display(a.actual(), cur) + " " + cur);
        d.put("expected", Money.display(a.expected(), cur) + " " + cur + " (" + Money.display(a.low(), cur) + " - " + Money.display(a.high(), cur) + ")");
        d.put("impact", Money.display(a.impact(), cur) + " " + cur);
        // found days after it began (a first scan, a late bill): what it has cost since, which is what the page is about
        Optional<Course> longer = course.filter(c -> c.days() > 1);
        String toDate = longer.map(c -> signed(c.impact(), cur) + " " + cur + " to date over " + c.days() + " days" + (c.ongoing() ? ", ongoing" : "")).orElse(null);
        longer.ifPresent(c -> d.put("impact to date", toDate + " (" + c.from() + " to " + c.through() + ")"));
        // who may see the alert: the team whose spend it is, as the incident's lead or one of its other scopes
        related.stream().filter(r -> r.dimension().equals("team")).findFirst().ifPresent(r -> d.put("team", r.value()));
        if (a.dimension().equals("team")) d.put("team", a.value());
        int i = 1;
        for (CostAnomaly.Contributor c : a.rootCause()) {
            d.put("cause " + i++, c.dimension() + "=" + c.value() + " " + signed(c.delta(), cur) + " " + cur
                    + (c.share() == null ? "" : " (" + c.sharePercent() + " of the change)"));
        }
        if (!before.isEmpty()) d.put("changes before it", String.join("; ", before.stream().map(Object::toString).toList()));
        if (!related.isEmpty()) {
            d.put("also seen in", String.join(", ", related.stream().map(r -> r.dimension() + "=" + r.value() + " " + signed(r.impact(), cur)).toList()));
        }
        String top = a.rootCause().isEmpty() ? "" : " (mostly " + a.rootCause().get(0).dimension() + "=" + a.rootCause().get(0).value() + ")";
        alerts.raise("anomaly", a.severity().equals("page") ? Alert.Severity.PAGE : Alert.Severity.TICKET, "anomaly:" + a.id(),
                "Spend anomaly " + scope + " on " + a.when() + ": " + signed(a.impact(), cur) + " " + cur + top + (toDate == null ? "" : "; " + toDate),
                "Actual " + Money.display(a.actual(), cur) + " against an expected " + Money.display(a.expected(), cur) + " " + cur + ".",
                d, "/anomalies?id=" + URLEncoder.encode(a.id(), StandardCharsets.UTF_8),
                action(a, related), List.of());
    }

    /** What to do first, from what the incident is: a job's run, resources nobody tagged, or another rise. */
    static String action(CostAnomaly a, List<CostAnomaly> related) {
        String silence = " If it was planned, mark the anomaly 'expected' to silence its scopes for 7 days.";
        CostAnomaly.Contributor first = a.rootCause().isEmpty() ? null : a.rootCause().get(0);
        if (first != null && first.dimension().equals("job")) {
            return "Check job " + first.value() + " (burnrate jobs lists its runs): stop it if it is a runaway, and see what started it." + silence;
        }
        // untagged: a scope of the incident is, or a cause names, spend no team's tags claim
        boolean untagged = Stream.concat(Stream.of(a), related.stream())
                .anyMatch(x -> x.value().equals(Buckets.UNALLOCATED))
                || a.rootCause().stream().anyMatch(c -> c.dimension().equals("team") && c.value().equals(Buckets.UNALLOCATED));
        if (untagged) {
            return "Spend nobody's tags claim: find the owner of the resources named, tag them (team, model) so they are charged"
                    + " back, and stop them if nobody claims them." + silence;
        }
        return "Check the top contributors and stop what should not be running." + silence;
    }

    private static String signed(BigDecimal v, String currency) {
        return (v.signum() >= 0 ? "+" : "") + Money.display(v, currency);
    }
}
