package dev.burnrate.guard;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * When the guard trips and how it answers.
 *
 * @param spendFactor     trips when spend so far exceeds the reservation × this
 * @param runtimeFactor   trips when elapsed time exceeds the estimate's p90 hours × this
 * @param idleUtilization a GPU below this mean utilisation (percent) is idle
 * @param idleAfter       trips when the GPUs have been idle this long
 * @param ladder          the graduated response: each step applies once the trip has lasted its {@code after}
 */
public record GuardSettings(BigDecimal spendFactor, BigDecimal runtimeFactor, BigDecimal idleUtilization, Duration idleAfter,
                            List<Step> ladder) {

    public record Step(Action action, Duration after) {
    }

    public GuardSettings {
        spendFactor = spendFactor == null ? new BigDecimal("1.2") : spendFactor;
        runtimeFactor = runtimeFactor == null ? new BigDecimal("1.5") : runtimeFactor;
        idleUtilization = idleUtilization == null ? new BigDecimal("5") : idleUtilization;
        idleAfter = idleAfter == null ? Duration.ofMinutes(30) : idleAfter;
        ladder = ladder == null || ladder.isEmpty()
                ? List.of(new Step(Action.NOTIFY, Duration.ZERO), new Step(Action.CHECKPOINT, Duration.ofMinutes(5)), new Step(Action.STOP, Duration.ofMinutes(15)))
                : List.copyOf(ladder);
        for (int i = 1; i < ladder.size(); i++) {
            if (ladder.get(i).action().ordinal() <= ladder.get(i - 1).action().ordinal()
                    || ladder.get(i).after().compareTo(ladder.get(i - 1).after()) < 0) {
                throw new IllegalArgumentException("guard ladder steps must go notify → checkpoint → stop with non-decreasing delays");
            }
        }
    }

    public static GuardSettings defaults() {
        return new GuardSettings(null, null, null, null, null);
    }
}
