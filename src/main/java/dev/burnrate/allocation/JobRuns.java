package dev.burnrate.allocation;

import dev.burnrate.ledger.JobRun;

import java.util.List;
import java.util.Map;

/** Stored job runs, upserted by id, and the billed cost of the ones the bill names. */
public interface JobRuns {
    /** Inserts or replaces each job by id, all in one step. */
    void upsert(List<JobRun> jobs);

    List<JobRun> list(String model, String team, int limit);

    /**
     * Effective cost per job id and currency from billing rows that carry the job: the custom column
     * {@code x_JobId} or a tag {@code job_id} / {@code job}.
     */
    Map<String, Map<String, java.math.BigDecimal>> billedCost(List<String> jobIds);
}
