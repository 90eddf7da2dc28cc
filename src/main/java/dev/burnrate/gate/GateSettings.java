package dev.burnrate.gate;

import dev.burnrate.budget.Budget;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/**
 * How the gate decides.
 *
 * @param autoApproveLimit estimates (p90) above this wait for an approver, × the model's tier factor
 * @param approvalTtl      a pending request expires (and its reservation is released) after this
 * @param startWithin      an approved request that never starts is released after this
 * @param settleLag        a finished run's actual cost is held against its budgets this long, until the bill carries it
 * @param models           per-model tolerances, envelope and criticality
 * @param offPeak          request kinds that run only in an off-peak window (null: none)
 * @param retainTickets    an ended ticket (denied, rejected, expired, released, settled, a deferral past its time) stays
 *                         in memory this long after its last change; later it is read back from the audit log on demand
 */
public record GateSettings(BigDecimal autoApproveLimit, Duration approvalTtl, Duration startWithin, Duration settleLag,
                           Map<String, ModelSettings> models, OffPeak offPeak, Duration retainTickets) {

    /**
     * A daily window in a time zone ({@code start} to {@code end}, across midnight when end is earlier) in which
     * requests of {@code kinds} may run; outside it they are deferred to the window's next start.
     */
    public record OffPeak(java.time.LocalTime start, java.time.LocalTime end, java.time.ZoneId zone, java.util.Set<GateRequest.Kind> kinds) {
        public OffPeak {
            if (start.equals(end)) throw new IllegalArgumentException("the off-peak window is empty: start and end are both " + start);
            kinds = java.util.Set.copyOf(kinds);
        }

        public boolean contains(java.time.Instant at) {
            java.time.LocalTime t = at.atZone(zone).toLocalTime();
            return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
        }

        /** The next instant the window opens, after {@code at} (DST gaps move it to the first valid local time). */
        public java.time.Instant nextStart(java.time.Instant at) {
            java.time.ZonedDateTime z = at.atZone(zone);
            java.time.ZonedDateTime today = z.toLocalDate().atTime(start).atZone(zone);
            return (today.isAfter(z) ? today : z.toLocalDate().plusDays(1).atTime(start).atZone(zone)).toInstant();
        }

        public String label() {
            return start + "-" + end + " " + zone.getId();
        }
    }

    /**
     * The dual condition of one model: retrain only when drift (or the accuracy drop) exceeds its tolerance AND the
     * run's p90 fits {@code maxRunCost}. Critical models get more room: the envelope and the auto-approve limit are
     * multiplied by {@link #tierFactor}.
     */
    public record ModelSettings(BigDecimal driftTolerance, BigDecimal accuracyTolerance, BigDecimal maxRunCost, Budget.Tier tier) {
        public ModelSettings {
            tier = tier == null ? Budget.Tier.NORMAL : tier;
        }
    }

    public GateSettings {
        autoApproveLimit = autoApproveLimit == null ? new BigDecimal("1000") : autoApproveLimit;
        approvalTtl = approvalTtl == null ? Duration.ofHours(24) : approvalTtl;
        startWithin = startWithin == null ? Duration.ofHours(24) : startWithin;
        settleLag = settleLag == null ? Duration.ofDays(2) : settleLag;
        models = models == null ? Map.of() : Map.copyOf(models);
        retainTickets = retainTickets == null ? Duration.ofDays(30) : retainTickets;
    }

    public static GateSettings defaults() {
        return new GateSettings(null, null, null, null, null, null, null);
    }

    public ModelSettings model(String name) {
        return models.getOrDefault(name, new ModelSettings(null, null, null, Budget.Tier.NORMAL));
    }

    /** Room by criticality: critical 1.5×, high 1.25×, normal 1×, low 0.8×. */
    public static BigDecimal tierFactor(Budget.Tier tier) {
        return switch (tier) {
            case CRITICAL -> new BigDecimal("1.5");
            case HIGH -> new BigDecimal("1.25");
            case NORMAL -> BigDecimal.ONE;
            case LOW -> new BigDecimal("0.8");
        };
    }
}
