package dev.burnrate.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand: no waiting on the wall clock. */
public final class MutableClock extends Clock {
    private final java.util.concurrent.atomic.AtomicReference<Instant> at;
    private final Duration step;

    public MutableClock(Instant start) {
        this(start, Duration.ZERO);
    }

    private MutableClock(Instant start, Duration step) {
        this.at = new java.util.concurrent.atomic.AtomicReference<>(start);
        this.step = step;
    }

    /** A clock whose every reading is {@code step} after the previous one: a run lasts hours in a few heartbeats. */
    public static MutableClock stepping(Instant start, Duration step) {
        return new MutableClock(start, step);
    }

    public void advance(Duration d) {
        at.updateAndGet(t -> t.plus(d));
    }

    public void set(Instant t) {
        at.set(t);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return step.isZero() ? at.get() : at.getAndUpdate(t -> t.plus(step));
    }
}
