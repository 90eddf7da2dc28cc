package dev.burnrate.gate;

import java.time.Instant;
import java.util.List;

/**
 * What the {@link Decider} answers for a request, before anything is held or journalled: deny it, defer it to an
 * instant, or run a plan (the request, or the request with changes that make it fit), at once or after an approval.
 * Each carries the reasons that state the numbers and the notes of the policies that matched.
 */
public sealed interface Decision {
    Estimate estimate();

    List<String> reasons();

    List<String> policyNotes();

    /** Refused: a policy, the model's drift tolerance, no estimate, or no budget room in this period or the next. */
    record Denied(Estimate estimate, List<String> reasons, List<String> policyNotes) implements Decision {
        public Denied {
            reasons = List.copyOf(reasons);
            policyNotes = List.copyOf(policyNotes);
        }
    }

    /** Not now: decided again when submitted at or after {@code until} (an off-peak window, the next budget period). */
    record Deferred(Estimate estimate, Instant until, GateRequest plan, Estimate planEstimate, List<Ticket.Change> changes,
                    List<String> reasons, List<String> policyNotes) implements Decision {
        public Deferred {
            changes = List.copyOf(changes);
            reasons = List.copyOf(reasons);
            policyNotes = List.copyOf(policyNotes);
        }
    }

    /** Run {@code plan}: approved (with changes when there are any), or pending an approver's decision. */
    record Run(Estimate estimate, GateRequest plan, Estimate planEstimate, List<Ticket.Change> changes, boolean needsApproval,
               List<String> reasons, List<String> policyNotes) implements Decision {
        public Run {
            changes = List.copyOf(changes);
            reasons = List.copyOf(reasons);
            policyNotes = List.copyOf(policyNotes);
        }

        public Ticket.Decision label() {
            return needsApproval ? Ticket.Decision.PENDING_APPROVAL : changes.isEmpty() ? Ticket.Decision.APPROVED : Ticket.Decision.APPROVED_WITH_CHANGES;
        }
    }
}
