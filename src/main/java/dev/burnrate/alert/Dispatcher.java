package dev.burnrate.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Delivers the outbox, at least once: each due delivery is sent; on failure it is retried with exponential
 * backoff (30 s, 1 min, 2 min … capped at 1 h), never dropped. Quiet hours hold ticket and info alerts (pages
 * always go) until the window ends. From a shared outbox each pass sends only what it claimed, and only while its claim
 * has {@link #SEND_TIME} left: a delivery whose claim is about to end is left to the next claimer rather than risk two
 * dispatchers sending it at once.
 */
public final class Dispatcher {
    static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    static final Duration MAX_RETRY = Duration.ofHours(1);
    /** Longer than any channel takes to send or give up (HTTP: 5 s to connect + 10 s; SMTP: 5 + 10 s). */
    static final Duration SEND_TIME = Duration.ofSeconds(30);

    /** Quiet hours in UTC, e.g. 22:00-07:00; null = none. */
    public record QuietHours(LocalTime from, LocalTime to) {
        boolean contains(LocalTime t) {
            return from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to) : !t.isBefore(from) || t.isBefore(to);
        }

        Instant end(Instant now) {
            Instant e = now.atZone(ZoneOffset.UTC).toLocalDate().atTime(to).toInstant(ZoneOffset.UTC);
            return e.isAfter(now) ? e : e.plus(Duration.ofDays(1));
        }
    }

    private final AlertStore store;
    private final Map<String, Channel> channels;
    private final Clock clock;
    private final QuietHours quiet;

    public Dispatcher(AlertStore store, Map<String, Channel> channels, Clock clock, QuietHours quiet) {
        this.store = store;
        this.channels = Map.copyOf(channels);
        this.clock = clock;
        this.quiet = quiet;
    }

    public static Duration backoff(int attempts) {
        long s = FIRST_RETRY.getSeconds() << Math.min(20, Math.max(0, attempts - 1));
        return Duration.ofSeconds(Math.min(s, MAX_RETRY.getSeconds()));
    }

    /** One pass over what is due now; returns how many were delivered. */
    private volatile java.util.function.Consumer<String> log = line -> { };

    /** Tells {@code log} of each delivery and each failed one, in one line. */
    public void log(java.util.function.Consumer<String> log) {
        this.log = log;
    }

    public int runOnce() {
        Instant now = clock.instant();
        int ok = 0;
        List<AlertStore.Delivery> due = store.due(now, 200);
        for (AlertStore.Delivery d : due) {
            if (d.claimedUntil() != null && clock.instant().plus(SEND_TIME).isAfter(d.claimedUntil())) {
                // a slow pass: the rest of its claim ends before a send could finish; they are due again when it ends
                log.accept("alert delivery pass stopped: the claim on " + (due.size() - due.indexOf(d)) + " delivery(ies) ends at "
                        + d.claimedUntil() + "; they are retried then");
                break;
            }
            Alert a = store.find(d.alertId()).orElse(null);
            if (a == null || a.state() == Alert.State.RESOLVED) {
                store.delivered(d, now); // nothing left to tell
                continue;
            }
            if (quiet != null && a.severity() != Alert.Severity.PAGE && quiet.contains(now.atZone(ZoneOffset.UTC).toLocalTime())) {
                store.hold(d, "held: quiet hours", quiet.end(now));
                continue;
            }
            Channel c = channels.get(d.channel());
            if (c == null) {
                store.failed(d, "no channel named '" + d.channel() + "' is configured", now.plus(backoff(d.attempts() + 1)));
                continue;
            }
            try {
                c.send(a, a.id() + ":" + d.channel());
                store.delivered(d, now);
                ok++;
                log.accept("alert " + a.id() + " (" + a.severity().name().toLowerCase(java.util.Locale.ROOT) + ") delivered to " + d.channel() + ": " + a.title());
            } catch (Channel.DeliveryException | RuntimeException e) {
                // one channel failing in any way (a refused address, a bug) is that delivery's failure, retried later; the others still go
                store.failed(d, e instanceof Channel.DeliveryException ? e.getMessage() : d.channel() + ": " + e, now.plus(backoff(d.attempts() + 1)));
                log.accept("alert " + a.id() + " not delivered to " + d.channel() + " (attempt " + (d.attempts() + 1) + ", retried later): " + e.getMessage());
            }
        }
        return ok;
    }
}
