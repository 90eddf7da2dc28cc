package dev.burnrate.guard;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The guard's memory of one running job: the last action taken, since when it has been tripped (null when not), since
 * when its GPUs have been idle (null when busy), and the last figures reported.
 */
public record GuardState(Action lastAction, Instant trippedSince, Instant idleSince, BigDecimal spend, BigDecimal elapsedHours,
                         BigDecimal gpuUtilization, Instant lastHeartbeat, List<String> reasons) {
    public GuardState {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }

    public static GuardState initial() {
        return new GuardState(Action.NONE, null, null, BigDecimal.ZERO, BigDecimal.ZERO, null, null, List.of());
    }

    /**
     * Whether this state already took a heartbeat at {@code hb}'s elapsed time or later: a heartbeat delivered again (a
     * channel that delivers at least once) or out of date, which must neither count nor step the ladder twice.
     */
    public boolean alreadySaw(Heartbeat hb) {
        return lastHeartbeat != null && elapsedHours != null && hb.elapsedHours().compareTo(elapsedHours) <= 0;
    }
}
