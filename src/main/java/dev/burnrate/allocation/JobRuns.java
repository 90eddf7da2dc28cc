package dev.burnrate.allocation;

import dev.burnrate.ledger.JobRun;

import java.util.List;
import java.util.Map;

/** Stored job runs, upserted by id, and the billed cost of the ones the bill names. */
public interface JobRuns {
    /** Inserts or replaces each job by id, all in one step. */
    void upsert(List<JobRun> jobs);

    /** Newest first; a null model or team matches every one. */
    default List<JobRun> list(String model, String team, int limit) {
        return listAny(model == null ? List.of() : List.of(model), team == null ? List.of() : List.of(team), limit);
    }

    /** Newest first; a job matches when its model is any of {@code models} and its team any of {@code teams} (an empty list matches every one). */
    List<JobRun> listAny(List<String> models, List<String> teams, int limit);

    /** The team of each stored run among {@code ids} (ids not stored are absent). */
    Map<String, String> teamsOf(java.util.Collection<String> ids);

    /**
     * Effective cost per job id and currency from billing rows that carry the job: the custom column
     * {@code x_JobId} or a tag {@code job_id} / {@code job}.
     */
    Map<String, Map<String, java.math.BigDecimal>> billedCost(List<String> jobIds);

    /** Effective and list cost of a job's billing rows in one currency (list 0 where the rows gave none). */
    record Billed(java.math.BigDecimal effective, java.math.BigDecimal list) {
    }

    /** As {@link #billedCost}, over charges starting in [from, to), with the list cost beside the effective cost. */
    Map<String, Map<String, Billed>> billed(List<String> jobIds, java.time.Instant from, java.time.Instant to);

    /** One charge period [start, end) of a job's billing rows in one currency: the effective and list cost of its rows summed. */
    record BilledPeriod(String job, String currency, java.time.Instant start, java.time.Instant end, java.math.BigDecimal effective,
                        java.math.BigDecimal list) {
    }

    /** As {@link #billed}, charge period by charge period (by job, then start), so a cost can be placed in the hours it was charged for. */
    List<BilledPeriod> billedPeriods(List<String> jobIds, java.time.Instant from, java.time.Instant to);

    /** The periods summed per job and currency: what {@link #billed} answers, for a caller that needs both from one scan. */
    static Map<String, Map<String, Billed>> totals(List<BilledPeriod> periods) {
        Map<String, Map<String, Billed>> out = new java.util.TreeMap<>();
        for (BilledPeriod p : periods) {
            out.computeIfAbsent(p.job(), k -> new java.util.TreeMap<>()).merge(p.currency(), new Billed(p.effective(), p.list()),
                    (a, b) -> new Billed(a.effective().add(b.effective()), a.list().add(b.list())));
        }
        return out;
    }
}
