package dev.burnrate.cli;

import dev.burnrate.allocation.JobCosts;
import dev.burnrate.ingest.jobs.JobRunJson;
import dev.burnrate.ledger.CostQueryParser;
import dev.burnrate.ledger.JobRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "jobs", description = {"Training and batch runs with their cost.",
        "The cost is billed when the bill names the job (x_JobId or a job_id tag), otherwise estimated from the price catalog and marked so."}, subcommands = JobsCommand.ImportHere.class)
final class JobsCommand implements Callable<Integer> {
    @ParentCommand
    BurnrateCommand root;

    @Option(names = "--model", paramLabel = "MODEL[,MODEL...]", description = "Only runs of these models (a comma list means any of them)")
    String model;

    @Option(names = "--team", paramLabel = "TEAM[,TEAM...]", description = "Only runs of these teams (a comma list means any of them)")
    String team;

    @Option(names = "--format", defaultValue = "table", description = "table|csv|json")
    Output.Format format;

    @Override
    public Integer call() {
        try (Services s = root.open()) {
            List<List<Object>> rows = new ArrayList<>();
            for (JobCosts.JobCost c : s.jobCosts().costs(s.jobs().listAny(CostQueryParser.alternatives("model", model), CostQueryParser.alternatives("team", team), 1000))) {
                JobRun j = c.job();
                rows.add(List.of(j.id(), str(j.model()), str(j.team()), str(j.kind()), str(j.status()), str(j.instanceType()) + " x" + j.instanceCount(),
                        str(j.pricing()), c.instanceHours().stripTrailingZeros().toPlainString(), Output.money(c.cost()),
                        c.cost() == null ? "" : c.cost().currency(), c.cost() == null ? "unknown" : c.estimated() ? "estimated" : "billed",
                        Output.rate(c.perInstanceHour()), Output.money(c.evictionOverhead())));
            }
            Output.print(root.out, format, List.of("job", "model", "team", "kind", "status", "instances", "pricing", "instance_hours", "cost",
                    "currency", "source", "per_instance_hour", "eviction_overhead"), rows, null);
        }
        return 0;
    }

    private static String str(String s) {
        return s == null ? "" : s;
    }

    @Command(name = "jobs", description = "Import job runs: JSON object, array or NDJSON; upsert by id (updates replace).")
    static class Import implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Job run files (JSON or NDJSON)")
        List<Path> files;

        @Override
        public Integer call() throws IOException {
            BurnrateCommand root = BurnrateCommand.root(spec);
            try (Services s = root.open()) {
                for (Path f : files) {
                    List<JobRun> runs = JobRunJson.parse(Files.newBufferedReader(f), f.toString());
                    s.jobs().upsert(runs);
                    root.out.println(f + ": " + runs.size() + " job run(s) stored");
                }
                root.out.flush();
            }
            return 0;
        }
    }

    /** The same import, as "jobs import". */
    @Command(name = "import", description = "Same as 'burnrate import jobs'.")
    static final class ImportHere extends Import {
    }
}
