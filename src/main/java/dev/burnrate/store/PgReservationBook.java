package dev.burnrate.store;

import dev.burnrate.gate.ReservationBook;
import dev.burnrate.gate.Ticket;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The money held against budgets, shared by replicas: one row per budget and period. Inside a gate step (a
 * transaction) reading a budget's row locks it until the step commits, so two replicas deciding against the same
 * budget take turns on that row and never both spend its last room; steps on other budgets run side by side.
 */
public final class PgReservationBook implements ReservationBook {
    private final PgState state;

    public PgReservationBook(PgState state) {
        this.state = state;
    }

    @Override
    public <T> T atomically(Supplier<T> work) {
        return state.inTransaction(work);
    }

    /** One PostgreSQL transaction, which the tickets and the audit chain join: a decision and its entry commit together. */
    @Override
    public boolean transactional() {
        return true;
    }

    @Override
    public BigDecimal held(String budgetId, LocalDate periodStart) {
        if (!state.inTransaction()) {
            return state.inTransaction(() -> select(budgetId, periodStart, "SELECT amount FROM gate_hold WHERE budget_id = ? AND period_start = ?"));
        }
        // one round trip: the upsert creates the row when missing and locks it either way, returning what it holds
        try (PreparedStatement ps = state.connection().prepareStatement("INSERT INTO gate_hold (budget_id, period_start, amount) VALUES (?, ?, 0) "
                + "ON CONFLICT (budget_id, period_start) DO UPDATE SET amount = gate_hold.amount RETURNING amount")) {
            ps.setString(1, budgetId);
            ps.setObject(2, periodStart);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                return r.getBigDecimal(1);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot lock budget " + budgetId + "'s reservations: " + e.getMessage(), e);
        }
    }

    private BigDecimal select(String budgetId, LocalDate periodStart, String sql) {
        try (PreparedStatement ps = state.connection().prepareStatement(sql)) {
            ps.setString(1, budgetId);
            ps.setObject(2, periodStart);
            try (ResultSet r = ps.executeQuery()) {
                return r.next() ? r.getBigDecimal(1) : BigDecimal.ZERO;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read budget " + budgetId + "'s reservations: " + e.getMessage(), e);
        }
    }

    @Override
    public void hold(List<Ticket.Reservation> reservations) {
        add(reservations, BigDecimal.ONE);
    }

    @Override
    public void release(List<Ticket.Reservation> reservations) {
        add(reservations, BigDecimal.ONE.negate());
    }

    private void add(List<Ticket.Reservation> reservations, BigDecimal sign) {
        if (reservations.isEmpty()) return;
        state.inTransaction(() -> {
            try (PreparedStatement ps = state.connection().prepareStatement("INSERT INTO gate_hold (budget_id, period_start, amount) VALUES (?, ?, ?) "
                    + "ON CONFLICT (budget_id, period_start) DO UPDATE SET amount = gate_hold.amount + EXCLUDED.amount")) {
                for (Ticket.Reservation r : reservations) {
                    ps.setString(1, r.budgetId());
                    ps.setObject(2, r.periodStart());
                    ps.setBigDecimal(3, r.amount().amount().multiply(sign));
                    ps.addBatch();
                }
                ps.executeBatch();
            } catch (SQLException e) {
                throw new StoreException("cannot change reservations: " + e.getMessage(), e);
            }
            return null;
        });
    }

    @Override
    public void reset(Collection<Ticket.Reservation> reservations) {
        Map<String, Ticket.Reservation> sums = new TreeMap<>();
        for (Ticket.Reservation r : reservations) {
            sums.merge(r.budgetId() + "|" + r.periodStart(), r, (a, b) -> new Ticket.Reservation(a.budgetId(), a.periodStart(), a.periodEnd(),
                    new dev.burnrate.ledger.Money(a.amount().amount().add(b.amount().amount()), a.amount().currency())));
        }
        state.inTransaction(() -> {
            try (PreparedStatement del = state.connection().prepareStatement("UPDATE gate_hold SET amount = 0")) {
                del.executeUpdate();
            } catch (SQLException e) {
                throw new StoreException("cannot reset reservations: " + e.getMessage(), e);
            }
            hold(List.copyOf(sums.values()));
            return null;
        });
    }
}
