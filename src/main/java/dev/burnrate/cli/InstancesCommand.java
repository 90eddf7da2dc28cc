package dev.burnrate.cli;

import dev.burnrate.ingest.instance.InstanceSampleCsv;
import dev.burnrate.ledger.InstanceSample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code burnrate import instances FILE…}: CPU and memory utilisation of instances, for rightsizing and idle machines. */
final class InstancesCommand {
    private InstancesCommand() {
    }

    @Command(name = "instances", description = {"Import CPU / memory utilisation of instances (CSV: timestamp, resource_id, cpu_utilization[, memory_utilization]).",
            "resource_id is the bill's ResourceId (i-0abc...). All-or-nothing per file; samples already stored (same resource and instant) are skipped."})
    static class Import implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "CSV files")
        List<Path> files;

        @Override
        public Integer call() throws IOException {
            BurnrateCommand root = BurnrateCommand.root(spec);
            try (Services s = root.open()) {
                for (Path f : files) {
                    List<InstanceSample> samples;
                    try (var in = Files.newBufferedReader(f)) {
                        samples = InstanceSampleCsv.parse(in, f.toString());
                    }
                    long added = s.instanceSamples().append(samples);
                    root.out.println(f + ": " + samples.size() + " samples read, " + added + " new");
                }
                root.out.flush();
            }
            return 0;
        }
    }
}
