package dev.burnrate.gate;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** The reservation book of one process: amounts per budget and period under one lock. */
public final class MemoryReservationBook implements ReservationBook {
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, BigDecimal> held = new HashMap<>();

    @Override
    public <T> T atomically(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public BigDecimal held(String budgetId, LocalDate periodStart) {
        return atomically(() -> held.getOrDefault(key(budgetId, periodStart), BigDecimal.ZERO));
    }

    @Override
    public void hold(List<Ticket.Reservation> reservations) {
        add(reservations, BigDecimal.ONE);
    }

    @Override
    public void release(List<Ticket.Reservation> reservations) {
        add(reservations, BigDecimal.ONE.negate());
    }

    @Override
    public void reset(Collection<Ticket.Reservation> reservations) {
        atomically(() -> {
            held.clear();
            for (Ticket.Reservation r : reservations) held.merge(key(r.budgetId(), r.periodStart()), r.amount().amount(), BigDecimal::add);
        });
    }

    private void add(List<Ticket.Reservation> reservations, BigDecimal sign) {
        atomically(() -> {
            for (Ticket.Reservation r : reservations) held.merge(key(r.budgetId(), r.periodStart()), r.amount().amount().multiply(sign), BigDecimal::add);
        });
    }

    private static String key(String budget, LocalDate periodStart) {
        return budget + "|" + periodStart;
    }
}
