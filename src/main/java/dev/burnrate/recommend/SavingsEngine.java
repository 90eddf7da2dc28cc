package dev.burnrate.recommend;

import dev.burnrate.allocation.JobRuns;
import dev.burnrate.ledger.CostLedger;
import dev.burnrate.ledger.GpuSamples;
import dev.burnrate.ledger.InferenceUsages;
import dev.burnrate.ledger.InstanceSamples;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.slo.Slo;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Computes the savings recommendations from what Burnrate stores: the bill (commitments, storage and cross-region
 * transfer), job runs with their GPU samples and billing rows (idle and oversized GPU instances, non-production ones
 * idle outside working hours, spot), CPU instances with their CPU / memory samples (idle and oversized), inference usage with the bill of its endpoints (cheaper variants, consolidation),
 * the SLOs, and the price catalog. Every window ends where the bills reach ({@link CostLedger#billedThrough()}), or now
 * when that is earlier: a day whose bill has not arrived is not a day without spend. Each recommendation's saving comes
 * from spend the bill shows, and none counts dollars another already counts: idle wins over rightsizing on one job, a
 * job either counts is neither scheduled nor moved to spot, a scheduled job is not moved to spot, a variant's endpoints
 * are not also consolidated, storage rows and transfer rows are apart, and commitment purchases exclude what the others
 * save on the instance-hours of a provider and region.
 */
public final class SavingsEngine {
    /**
     * {@code commitmentDays}: the lookback of commitment utilisation, coverage and the steady floor; {@code idleDays} and
     * {@code idleP95BelowPercent}: the idle rule; {@code rightsizeDays} and {@code targetUtilisation}: the rightsizing rule
     * (the target is also the headroom an endpoint keeps when consolidated); {@code inferenceDays}: the lookback of the
     * inference usage, {@code consolidationFloor}: the share of an endpoint's capacity below which a charge period is low;
     * {@code storageDays} and {@code storageFlatPercent}: storage unchanged that long (its daily cost within that percent)
     * is tiered, at the ratio of {@code storageTiers}; {@code transferDays}: the lookback of cross-region transfer;
     * {@code purchaseLookbacks}: the lookbacks (days) over which the steady on-demand floor of a purchase is computed, the
     * lowest floor of those the bills cover being the one bought; {@code offHoursDays}: the lookback of off-hours
     * scheduling, {@code workingHours} when people work, and {@code offHoursIdleShare} the share of a non-production job's
     * observed off-hours that must be idle for a schedule to be recommended.
     */
    public record Settings(int commitmentDays, int idleDays, double idleP95BelowPercent, int rightsizeDays, double targetUtilisation,
                           int spotDays, int spotHistoryDays, int checkpointMinutes, int restartMinutes,
                           int inferenceDays, double consolidationFloor, int storageDays, double storageFlatPercent, int transferDays,
                           List<StorageTier> storageTiers, List<Integer> purchaseLookbacks, int offHoursDays, WorkingHours workingHours,
                           double offHoursIdleShare) {
        public Settings {
            if (commitmentDays < 1 || idleDays < 1 || rightsizeDays < 1 || spotDays < 1 || spotHistoryDays < 1 || inferenceDays < 1 || storageDays < 1
                    || transferDays < 1) throw new IllegalArgumentException("lookbacks must be 1 day or more");
            if (checkpointMinutes < 1 || restartMinutes < 0) throw new IllegalArgumentException("a checkpoint takes a minute or more, a restart no less than nothing");
            if (!(targetUtilisation > 0 && targetUtilisation <= 1)) throw new IllegalArgumentException("target utilisation must be in (0, 1]");
            if (!(consolidationFloor > 0 && consolidationFloor <= targetUtilisation)) {
                throw new IllegalArgumentException("the consolidation floor must be in (0, target utilisation]");
            }
            if (!(storageFlatPercent >= 0)) throw new IllegalArgumentException("the flat storage tolerance must not be negative");
            storageTiers = List.copyOf(storageTiers);
            purchaseLookbacks = purchaseLookbacks.stream().distinct().sorted().toList();
            if (purchaseLookbacks.isEmpty() || purchaseLookbacks.get(0) < 1) throw new IllegalArgumentException("purchase lookbacks must be 1 day or more, and at least one");
            if (offHoursDays < 7) throw new IllegalArgumentException("the off-hours lookback must be a week or more (it must see a weekend)");
            java.util.Objects.requireNonNull(workingHours, "workingHours");
            if (!(offHoursIdleShare > 0 && offHoursIdleShare <= 1)) throw new IllegalArgumentException("the idle share of off-hours must be in (0, 1]");
        }

        /**
         * 30-day commitment lookback; idle = p95 < 3% over 3 days; rightsize at p95 + headroom to 0.7 over 14 days; spot over
         * the last 30 days' runs, evictions over 90 days, 15 minutes to write a checkpoint and 30 to restart after an eviction;
         * inference over 14 days, a charge period below half its endpoint's capacity is low; storage unchanged (within 1%)
         * for 60 days is tiered at the bundled ratios ({@link StorageTier#defaults()}); cross-region transfer over 30 days;
         * the steady floor over 7, 30 and 60 days; off-hours over 14 days (two of every weekday and weekend), working hours
         * Monday to Friday 08:00-20:00 UTC, a schedule where at least 80% of the observed off-hours were idle.
         */
        public static Settings defaults() {
            return new Settings(30, 3, 3.0, 14, 0.7, 30, 90, 15, dev.burnrate.allocation.JobCosts.DEFAULT_RESTART_MINUTES, 14, 0.5, 60, 1.0, 30, StorageTier.defaults(), List.of(7, 30, 60), 14,
                    WorkingHours.defaults(), 0.8);
        }

        /** The same settings with these storage tiers (the defaults with a person's ratios, from burnrate.yaml). */
        public Settings withStorageTiers(List<StorageTier> tiers) {
            return new Settings(commitmentDays, idleDays, idleP95BelowPercent, rightsizeDays, targetUtilisation, spotDays, spotHistoryDays, checkpointMinutes,
                    restartMinutes, inferenceDays, consolidationFloor, storageDays, storageFlatPercent, transferDays, tiers, purchaseLookbacks, offHoursDays,
                    workingHours, offHoursIdleShare);
        }

        /** The same settings with these working hours (from burnrate.yaml). */
        public Settings withWorkingHours(WorkingHours hours) {
            return new Settings(commitmentDays, idleDays, idleP95BelowPercent, rightsizeDays, targetUtilisation, spotDays, spotHistoryDays, checkpointMinutes,
                    restartMinutes, inferenceDays, consolidationFloor, storageDays, storageFlatPercent, transferDays, storageTiers, purchaseLookbacks, offHoursDays,
                    hours, offHoursIdleShare);
        }
    }

    /** Something the engine skipped and why, with the kinds of recommendation it concerns. */
    public record Note(java.util.Set<Recommendation.Kind> kinds, String text) {
    }

    /** The recommendations (largest saving first), the commitment report behind them, and what was skipped and why. */
    public record Result(Instant asOf, List<Recommendation> recommendations, CommitmentReport commitments, List<Note> noted) {
        /** Every note. */
        public List<String> notes() {
            return notes(null);
        }

        /** The notes about recommendations of this kind (every note when null). */
        public List<String> notes(Recommendation.Kind kind) {
            return noted.stream().filter(n -> kind == null || n.kinds().contains(kind)).map(Note::text).toList();
        }
    }

    private final CostLedger ledger;
    private final Clock clock;
    private final Settings settings;
    private final CommitmentAnalysis commitments;
    private final GpuWaste gpus;
    private final InstanceWaste instances;
    private final RealisedSavings realised;
    private final SpotCandidates spot;
    private final SpotEconomics spotEconomics;
    private final InferenceSavings inference;
    private final StorageSavings storage;
    private final OffHours offHours;

    /** {@code slos}: the SLOs declared now (a cheaper variant must meet the model's latency objectives). */
    public SavingsEngine(CostLedger ledger, JobRuns jobs, GpuSamples samples, InferenceUsages usage, InstanceSamples instanceSamples,
                         Supplier<List<Slo>> slos, PriceCatalog catalog, Clock clock, Settings settings) {
        this.ledger = ledger;
        this.clock = clock;
        this.settings = settings;
        this.commitments = new CommitmentAnalysis(ledger, catalog);
        this.gpus = new GpuWaste(jobs, samples, catalog, settings);
        this.instances = new InstanceWaste(ledger, instanceSamples, catalog, settings);
        this.realised = new RealisedSavings(ledger, jobs, catalog, settings.workingHours());
        this.spotEconomics = new SpotEconomics(catalog, settings);
        this.spot = new SpotCandidates(jobs, catalog, settings, spotEconomics);
        this.inference = new InferenceSavings(usage, slos, ledger, settings);
        this.storage = new StorageSavings(ledger, settings);
        this.offHours = new OffHours(jobs, samples, settings);
    }

    /** The spot rule the engine's recommendations use, for the gate's spot change: one rule, one set of settings. */
    public SpotEconomics spotEconomics() {
        return spotEconomics;
    }

    /** What implemented recommendations saved, measured from the same bills and job runs. */
    public RealisedSavings realised() {
        return realised;
    }

    public Result compute() {
        return compute(java.util.Set.of());
    }

    /**
     * The recommendations as of now; {@code dismissed}: the ids of recommendations someone dismissed, whose savings a
     * commitment purchase may then cover again (they remove no usage).
     */
    public Result compute(java.util.Set<String> dismissed) {
        Instant now = clock.instant();
        Instant end = ledger.billedThrough().filter(t -> t.isBefore(now)).orElse(now).truncatedTo(ChronoUnit.HOURS);
        List<Note> notes = new ArrayList<>();
        List<String> sizing = new ArrayList<>();
        GpuWaste.Found found = gpus.find(end, sizing);
        LocalDate to = LocalDate.ofInstant(end, ZoneOffset.UTC);
        LocalDate from = to.minusDays(settings.commitmentDays());
        CommitmentReport report = commitments.report(from, to);
        List<Recommendation> all = new ArrayList<>(found.recommendations());
        GpuWaste.Found machines = instances.find(to, sizing); // CPU instances: their own targets, never a job's
        all.addAll(machines.recommendations());
        note(notes, sizing, Recommendation.Kind.IDLE, Recommendation.Kind.RIGHTSIZE);
        // a job that idle or rightsizing already counts is not moved to spot as well
        java.util.Set<String> taken = new java.util.HashSet<>();
        for (Recommendation r : found.recommendations()) if (r.target().startsWith("job ")) taken.add(r.target().substring(4));
        OnDemandSavings onDemandSaved = new OnDemandSavings();
        onDemandSaved.addAll(found.onDemandSaved());
        onDemandSaved.addAll(machines.onDemandSaved());
        // non-production jobs idle off-hours: a schedule (not for jobs idle or rightsizing counts, and not moved to spot as well)
        List<String> schedule = new ArrayList<>();
        OffHours.Found scheduled = offHours.find(end, taken, schedule);
        note(notes, schedule, Recommendation.Kind.SCHEDULE);
        all.addAll(scheduled.recommendations());
        for (Recommendation r : scheduled.recommendations()) taken.add(r.target().substring(4));
        onDemandSaved.addAll(scheduled.onDemandSaved());
        List<String> spotNotes = new ArrayList<>();
        all.addAll(spot.find(end, taken, onDemandSaved, spotNotes));
        note(notes, spotNotes, Recommendation.Kind.SPOT);
        List<String> served = new ArrayList<>();
        InferenceSavings.Found variants = inference.find(end, served);
        note(notes, served, Recommendation.Kind.INFERENCE);
        all.addAll(variants.recommendations());
        onDemandSaved.addAll(variants.onDemandSaved());
        List<String> stored = new ArrayList<>();
        all.addAll(storage.tiering(to, stored));
        note(notes, stored, Recommendation.Kind.STORAGE);
        all.addAll(storage.transfer(to));
        all.addAll(commitments.unused(report));
        List<String> bought = new ArrayList<>();
        all.addAll(commitments.purchases(to, settings.purchaseLookbacks(), onDemandSaved.totals(dismissed), report, bought));
        note(notes, bought, Recommendation.Kind.COMMITMENT);
        all.sort(Comparator.comparing((Recommendation r) -> r.monthlySaving().amount(), Comparator.reverseOrder()).thenComparing(Recommendation::id));
        return new Result(end, List.copyOf(all), report, List.copyOf(notes));
    }

    private static void note(List<Note> notes, List<String> texts, Recommendation.Kind... kinds) {
        java.util.Set<Recommendation.Kind> k = java.util.Set.of(kinds);
        for (String t : texts) notes.add(new Note(k, t));
    }

    /** Exposed for the engine's callers that only want the bill's commitment figures. */
    public CommitmentReport commitments(LocalDate from, LocalDate to) {
        return commitments.report(from, to);
    }
}
