package dev.burnrate.cli;

import dev.burnrate.allocation.InferenceEconomics;
import dev.burnrate.ingest.inference.InferenceUsageReader;
import dev.burnrate.ledger.CostQueryParser;
import dev.burnrate.ledger.InferenceUsage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "inference", description = "Inference usage and cost per inference.", subcommands = {InferenceCommand.ImportHere.class, InferenceCommand.Costs.class})
final class InferenceCommand {

    @Command(name = "inference", description = {"Import inference usage: NDJSON records, or a per-request trace.",
            "A trace (--format azure-trace: TIMESTAMP,ContextTokens,GeneratedTokens) is rolled up per --interval."})
    static class Import implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "NDJSON usage files or Azure LLM inference traces (CSV)")
        List<Path> files;

        @Option(names = "--format", defaultValue = "ndjson", description = "ndjson|azure-trace")
        String format;

        @Option(names = "--model", description = "For a trace: the model that served it")
        String model;

        @Option(names = "--feature", description = "For a trace: the product feature it served")
        String feature;

        @Option(names = "--customer", description = "For a trace: the customer it served")
        String customer;

        @Option(names = "--endpoint", description = "For a trace: the endpoint's resource id in the bill")
        String endpoint;

        @Option(names = "--interval", defaultValue = "1m", description = "Roll-up interval for a trace, e.g. 1m, 5m, 1h")
        String interval;

        @Override
        public Integer call() throws IOException {
            BurnrateCommand root = BurnrateCommand.root(spec);
            try (Services s = root.open()) {
                for (Path f : files) {
                    List<InferenceUsage> u = switch (format.toLowerCase(Locale.ROOT)) {
                        case "ndjson" -> InferenceUsageReader.ndjson(Files.newBufferedReader(f), f.toString());
                        case "azure-trace" -> {
                            if (model == null) throw new IllegalArgumentException("--model is required for a trace");
                            yield InferenceUsageReader.azureTrace(Files.newBufferedReader(f), f.toString(),
                                    GpuCommand.Collect.duration(interval, "--interval"), model, feature, customer, endpoint);
                        }
                        default -> throw new IllegalArgumentException("--format " + format + ": expected ndjson or azure-trace");
                    };
                    s.inference().upsert(u);
                    root.out.println(f + ": " + u.size() + " usage record(s) stored");
                }
                root.out.flush();
            }
            return 0;
        }
    }

    @Command(name = "costs", description = "Cost per inference, per 1k inferences and per 1M tokens by model, variant, feature or customer.")
    static final class Costs implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--by", defaultValue = "model", description = "model|variant|feature|customer (default ${DEFAULT-VALUE})")
        String by;

        @Option(names = "--from", paramLabel = "DATE", description = "Inclusive start, YYYY-MM-DD (UTC)")
        String from;

        @Option(names = "--to", paramLabel = "DATE", description = "Exclusive end, YYYY-MM-DD (UTC)")
        String to;

        @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
        Output.Format format;

        @Override
        public Integer call() {
            BurnrateCommand root = BurnrateCommand.root(spec);
            LocalDate f = CostQueryParser.date("from", from);
            LocalDate t = CostQueryParser.date("to", to);
            try (Services s = root.open()) {
                List<List<Object>> rows = new ArrayList<>();
                for (InferenceEconomics.Line l : new InferenceEconomics(s.inference()).by(by,
                        dev.burnrate.ledger.Window.startOf(f), dev.burnrate.ledger.Window.endOf(t))) {
                    rows.add(List.of(l.key(), String.valueOf(l.requests()), String.valueOf(l.inputTokens()), String.valueOf(l.outputTokens()),
                            l.currency() == null ? "" : l.currency(), Output.money(l.cost(), l.currency()), Output.rate(l.perInference(), l.currency()),
                            Output.rate(l.per1kInferences(), l.currency()), Output.rate(l.per1MTokens(), l.currency()),
                            l.costKnown() ? "billed" : "no endpoint cost in the bill"));
                }
                Output.print(root.out, format, List.of(by, "requests", "input_tokens", "output_tokens", "currency", "cost", "per_inference",
                        "per_1k_inferences", "per_1m_tokens", "source"), rows, null);
            }
            return 0;
        }
    }


    /** The same import, as "inference import". */
    @Command(name = "import", description = "Same as 'burnrate import inference'.")
    static final class ImportHere extends Import {
    }
}
