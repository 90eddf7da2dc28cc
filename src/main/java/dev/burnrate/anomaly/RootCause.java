package dev.burnrate.anomaly;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which values of which dimensions explain a change of one scope's spend, after Adtributor (Bhagwan et al., "Adtributor:
 * Revenue Debugging in Advertising Systems", NSDI 2014):
 * <ul>
 *   <li>a value's <em>explanatory power</em> is its share of the scope's change (its delta over the total delta);</li>
 *   <li>the <em>surprise</em> of the values an explanation names is how far they moved the scope's mix: their terms
 *       of the Jensen-Shannon divergence between the usual shares and today's. Every dimension that carries the change explains it in
 *       dollars (the runaway's team, its model, its account all rise by the same amount); only the one whose mix
 *       changed says where it came from (within the fraud team the model is the same as always, the instances are
 *       new);</li>
 *   <li>a dimension explains the change <em>succinctly</em> when at most three of its values, or its new values of a
 *       size with its largest new one, taken together ("8 new: …"), carry two thirds of it.</li>
 * </ul>
 * Ranked: succinct dimensions first, then those that name a value (charges without the column, "(none)", say
 * nothing), then those whose named values are all new (spend that did not exist before says where it came from; a
 * value that grew says less, however much it moved the mix: the untagged team's EC2 next to its new instances), then
 * by the surprise of the values they name (divided by 1 + log10 of how many they are: a simpler explanation wins
 * unless a longer one moved the mix much more: one new job over eighty new instances), then by the share they
 * explain, then in the order the dimensions are configured (most specific first); within a dimension, its values by
 * the share they carry.
 */
final class RootCause {
    /** Adtributor's thresholds: the share a succinct explanation carries, and how many values it may name. */
    static final BigDecimal SUCCINCT_SHARE = new BigDecimal("0.67");
    static final int SUCCINCT_VALUES = 3;
    static final int LIMIT = 6;

    /**
     * One dimension's spend by value: in the judged period, and the usual (the mean of the comparison periods); and
     * the values that had spend in the days right before the judged period ({@code recent}: an instance that has run
     * since last week is not new today, though it never ran on this weekday before).
     */
    record Breakdown(String dimension, Map<String, BigDecimal> now, Map<String, BigDecimal> usual, java.util.Set<String> recent) {
        Breakdown(String dimension, Map<String, BigDecimal> now, Map<String, BigDecimal> usual) {
            this(dimension, now, usual, java.util.Set.of());
        }
    }

    private record Ranked(List<CostAnomaly.Contributor> values, boolean succinct, boolean named, boolean fresh, double surprise, BigDecimal explained, int order) {
    }

    /** What a charge without the column is listed as. */
    static final String NONE = "(none)";

    private RootCause() {
    }

    /** The contributors moving in the change's direction (sign +1 or -1), the best explanation first, at most {@link #LIMIT}. */
    static List<CostAnomaly.Contributor> rank(List<Breakdown> breakdowns, int sign) {
        List<Ranked> ranked = new ArrayList<>();
        List<Ranked> whole = new ArrayList<>(); // dimensions with one value, now as usual: they name the scope itself
        for (int i = 0; i < breakdowns.size(); i++) {
            Ranked r = rank(breakdowns.get(i), sign, i);
            if (r != null) (sameSingleValue(breakdowns.get(i)) ? whole : ranked).add(r);
        }
        if (ranked.isEmpty()) ranked = whole; // nothing else to say: the scope's one project, model or job it is
        ranked.sort(Comparator.comparing(Ranked::succinct).reversed()
                .thenComparing(Comparator.comparing(Ranked::named).reversed())
                .thenComparing(Comparator.comparing(Ranked::fresh).reversed())
                .thenComparing(Comparator.comparingDouble(Ranked::surprise).reversed())
                .thenComparing(Ranked::explained, Comparator.reverseOrder())
                .thenComparingInt(Ranked::order));
        List<CostAnomaly.Contributor> out = new ArrayList<>();
        for (Ranked r : ranked) {
            for (CostAnomaly.Contributor c : r.values()) {
                if (out.size() == LIMIT) return out;
                out.add(c);
            }
        }
        return out;
    }

    /**
     * True when the dimension has one value, the same in the judged period as usual: every dollar of the scope carries
     * it before and after (the fraud team's one project, its charges without a job column), so it explains nothing
     * the scope does not already say and would only pad the list at 100%.
     */
    private static boolean sameSingleValue(Breakdown b) {
        java.util.Set<String> now = nonZero(b.now());
        return now.size() == 1 && now.equals(nonZero(b.usual()));
    }

    private static java.util.Set<String> nonZero(Map<String, BigDecimal> m) {
        java.util.Set<String> out = new TreeSet<>();
        m.forEach((k, v) -> {
            if (v.signum() != 0) out.add(k);
        });
        return out;
    }

    /** Every contributor of every breakdown (in the change's direction), for telling which scopes carry the change. */
    static List<CostAnomaly.Contributor> all(List<Breakdown> breakdowns, int sign) {
        List<CostAnomaly.Contributor> out = new ArrayList<>();
        for (Breakdown b : breakdowns) {
            BigDecimal total = delta(b);
            for (CostAnomaly.Contributor c : contributors(b, total)) if (c.delta().signum() == sign) out.add(c);
        }
        return out;
    }

    private static Ranked rank(Breakdown b, int sign, int order) {
        BigDecimal total = delta(b);
        if (total.signum() != sign) return null;
        List<CostAnomaly.Contributor> moving = contributors(b, total).stream()
                .filter(c -> c.delta().signum() == sign && c.delta().abs().compareTo(BigDecimal.ONE) >= 0)
                .sorted(Comparator.comparing(CostAnomaly.Contributor::delta, Comparator.comparing(BigDecimal::abs)).reversed()
                        .thenComparing(CostAnomaly.Contributor::value))
                .toList();
        if (moving.isEmpty()) return null;
        List<CostAnomaly.Contributor> chosen = new ArrayList<>();
        BigDecimal explained = BigDecimal.ZERO;
        for (CostAnomaly.Contributor c : moving) {
            if (chosen.size() == SUCCINCT_VALUES || explained.compareTo(SUCCINCT_SHARE) >= 0) break;
            chosen.add(c);
            explained = explained.add(c.share());
        }
        boolean succinct = explained.compareTo(SUCCINCT_SHARE) >= 0;
        // many values each carrying a little: the new ones of a size with the largest new one (eight instances nobody
        // had before), taken together, may be the answer. New first as nothing in the days before had them: on the
        // runaway's day the untagged cluster, five days old but never run on that weekday, led "97 new" over the
        // eighty-nine training instances that were the day's change. Where those alone do not carry it (the cluster's
        // own second day), the values the usual weekdays lack
        for (java.util.Set<String> before : List.of(b.recent(), java.util.Set.<String>of())) {
            if (succinct) break;
            List<CostAnomaly.Contributor> fresh = newValues(moving, before);
            BigDecimal freshShare = share(fresh.stream().map(CostAnomaly.Contributor::delta).reduce(BigDecimal.ZERO, BigDecimal::add), total);
            if (fresh.size() > 1 && freshShare.compareTo(SUCCINCT_SHARE) >= 0) {
                chosen = fresh;
                explained = freshShare;
                succinct = true;
            }
        }
        // the simpler explanation wins unless a longer one moved the mix much more: one job over eighty instances
        double surprise = surprise(b, chosen) / (1 + Math.log10(chosen.size()));
        if (chosen.size() > SUCCINCT_VALUES) chosen = List.of(together(b.dimension(), chosen, total)); // the new ones, as one
        boolean named = chosen.stream().anyMatch(c -> !c.value().equals(NONE));
        boolean fresh = chosen.stream().allMatch(c -> c.baseline().signum() == 0);
        return new Ranked(List.copyOf(chosen), succinct, named, fresh, surprise, explained, order);
    }

    /** The values without usual spend and not in {@code before}, of a size with the largest of them (a tenth of it or more). */
    private static List<CostAnomaly.Contributor> newValues(List<CostAnomaly.Contributor> moving, java.util.Set<String> before) {
        List<CostAnomaly.Contributor> fresh = moving.stream().filter(c -> c.baseline().signum() == 0 && !before.contains(c.value())).toList();
        BigDecimal largest = fresh.stream().map(c -> c.delta().abs()).max(BigDecimal::compareTo).orElse(BigDecimal.ZERO);
        return fresh.stream().filter(c -> c.delta().abs().multiply(BigDecimal.TEN).compareTo(largest) >= 0).toList();
    }

    /** Several new values as one contributor: "8 new: a, b, c, …" (the largest first) with their summed dollars. */
    private static CostAnomaly.Contributor together(String dimension, List<CostAnomaly.Contributor> fresh, BigDecimal total) {
        BigDecimal actual = fresh.stream().map(CostAnomaly.Contributor::actual).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal delta = fresh.stream().map(CostAnomaly.Contributor::delta).reduce(BigDecimal.ZERO, BigDecimal::add);
        List<String> names = fresh.stream().sorted(Comparator.comparing((CostAnomaly.Contributor c) -> c.delta().abs()).reversed()
                .thenComparing(CostAnomaly.Contributor::value)).map(CostAnomaly.Contributor::value).toList();
        String shown = String.join(", ", names.subList(0, Math.min(3, names.size()))) + (names.size() > 3 ? ", …" : "");
        return new CostAnomaly.Contributor(dimension, fresh.size() + " new: " + shown, actual, BigDecimal.ZERO.setScale(2), delta, share(delta, total));
    }

    /**
     * Whether the cause of a change seen on an earlier day is the cause of one seen now: the same value of the same
     * dimension, or new values of the same dimension taken together, among which one the earlier cause names is new
     * again now ({@code now} lists every value moving now). The members and order of such a group move from day to day
     * (eight instances of one cluster cost slightly different amounts each day), so the names differ; new instances of
     * another incident (a runaway's training instances) are not the cluster's.
     */
    static boolean sameCause(CostAnomaly.Contributor earlier, CostAnomaly.Contributor cause, List<CostAnomaly.Contributor> now) {
        if (!earlier.dimension().equals(cause.dimension())) return false;
        if (earlier.value().equals(cause.value())) return true;
        if (!NEW_VALUES.matcher(earlier.value()).matches() || !NEW_VALUES.matcher(cause.value()).matches()) return false;
        List<String> named = List.of(earlier.value().substring(earlier.value().indexOf(": ") + 2).replace(", …", "").split(", "));
        return now.stream().anyMatch(c -> c.dimension().equals(cause.dimension()) && c.baseline().signum() == 0 && named.contains(c.value()));
    }

    /** How {@link #together} names new values taken together. */
    private static final java.util.regex.Pattern NEW_VALUES = java.util.regex.Pattern.compile("\\d+ new: .+");

    private static BigDecimal delta(Breakdown b) {
        return sum(b.now()).subtract(sum(b.usual()));
    }

    private static List<CostAnomaly.Contributor> contributors(Breakdown b, BigDecimal total) {
        TreeSet<String> keys = new TreeSet<>(b.now().keySet());
        keys.addAll(b.usual().keySet());
        List<CostAnomaly.Contributor> out = new ArrayList<>();
        for (String k : keys) {
            // the value's spend is the ledger's, exact (the eight cluster instances' 9,043.6224 summed from cents read
            // 9,043.64); its usual spend is an estimate (a mean, taken at the expected amount), in cents as that is
            BigDecimal act = b.now().getOrDefault(k, BigDecimal.ZERO);
            BigDecimal base = b.usual().getOrDefault(k, BigDecimal.ZERO).setScale(2, RoundingMode.HALF_EVEN);
            BigDecimal d = act.subtract(base);
            out.add(new CostAnomaly.Contributor(b.dimension(), k, act, base, d, share(d, total)));
        }
        return out;
    }

    /** The part of the total change this delta carries, as a fraction (two decimals). */
    private static BigDecimal share(BigDecimal delta, BigDecimal total) {
        return total.signum() == 0 ? BigDecimal.ZERO.setScale(2) : delta.divide(total, 2, RoundingMode.HALF_EVEN);
    }

    /**
     * The chosen values' part of the Jensen-Shannon divergence (natural log) between the usual shares of the
     * dimension's values and today's: how much of the scope's mix they moved. A value that carries the change but is
     * always all of the scope (the fraud team's one model) moved nothing and explains nothing. Shares are of the
     * money that moved either way (credits count by their size): a value whose usual net is negative (a service whose
     * credits outweigh its usage in an unallocated scope) is a large part of the usual mix, not absent from it, and
     * its usage coming back is a change of size, not a new value.
     */
    static double surprise(Breakdown b, List<CostAnomaly.Contributor> chosen) {
        double tn = mass(b.now());
        double tu = mass(b.usual());
        double s = 0;
        for (CostAnomaly.Contributor c : chosen) {
            double q = tn <= 0 ? 0 : b.now().getOrDefault(c.value(), BigDecimal.ZERO).abs().doubleValue() / tn;
            double p = tu <= 0 ? 0 : b.usual().getOrDefault(c.value(), BigDecimal.ZERO).abs().doubleValue() / tu;
            double m = (p + q) / 2;
            if (p > 0) s += 0.5 * p * Math.log(p / m);
            if (q > 0) s += 0.5 * q * Math.log(q / m);
        }
        return s;
    }

    private static double mass(Map<String, BigDecimal> m) {
        return m.values().stream().map(BigDecimal::abs).reduce(BigDecimal.ZERO, BigDecimal::add).doubleValue();
    }

    private static BigDecimal sum(Map<String, BigDecimal> m) {
        return m.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add).round(MathContext.DECIMAL128);
    }
}
