package dev.burnrate.cli;

import dev.burnrate.ingest.gpu.DcgmText;
import dev.burnrate.ledger.GpuSamples;
import dev.burnrate.ingest.gpu.NdjsonSamples;
import dev.burnrate.ingest.gpu.NvidiaSmiCsv;
import dev.burnrate.ledger.CostQueryParser;
import dev.burnrate.ledger.GpuSample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "gpu", description = "GPU telemetry: import samples, report utilisation and idle GPU time.",
        subcommands = {GpuCommand.ImportHere.class, GpuCommand.Usage.class, GpuCommand.Collect.class})
final class GpuCommand {
    @ParentCommand
    BurnrateCommand root;

    @Command(name = "gpu", description = {"Import GPU samples: nvidia-smi --query-gpu CSV, DCGM exporter text, or NDJSON.",
            "All-or-nothing per file; samples already stored (same GPU and instant) are skipped."})
    static class Import implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "nvidia-smi CSV, DCGM exporter text or NDJSON files")
        List<Path> files;

        @Option(names = "--format", defaultValue = "nvidia-smi", description = "nvidia-smi|dcgm|ndjson")
        String format;

        @Option(names = "--job", description = "Job the samples belong to (nvidia-smi has none)")
        String job;

        @Option(names = "--host", description = "Host the samples came from")
        String host;

        @Option(names = "--utc-offset", defaultValue = "Z", description = "Offset of nvidia-smi's local timestamps, e.g. +02:00")
        String offset;

        @Override
        public Integer call() throws IOException {
            BurnrateCommand root = BurnrateCommand.root(spec);
            try (Services s = root.open()) {
                for (Path f : files) {
                    List<GpuSample> samples = switch (format.toLowerCase(Locale.ROOT)) {
                        case "nvidia-smi" -> NvidiaSmiCsv.parse(Files.newBufferedReader(f), f.toString(), host, job, ZoneOffset.of(offset));
                        case "dcgm" -> DcgmText.parse(Files.readString(f), f.toString(), Files.getLastModifiedTime(f).toInstant());
                        case "ndjson" -> NdjsonSamples.parse(Files.newBufferedReader(f), f.toString());
                        default -> throw new IllegalArgumentException("--format " + format + ": expected nvidia-smi, dcgm or ndjson");
                    };
                    long added = s.gpuSamples().append(samples);
                    root.out.println(f + ": " + samples.size() + " samples read, " + added + " new");
                }
                root.out.flush();
            }
            return 0;
        }
    }

    @Command(name = "collect", description = "Pull DCGM GPU metrics (utilisation, framebuffer) from a Prometheus server's HTTP API.")
    static class Collect implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--url", required = true, description = "Prometheus base URL, e.g. http://prometheus:9090")
        String url;

        @Option(names = "--since", defaultValue = "1h", description = "How far back, e.g. 15m, 6h, 2d")
        String since;

        @Option(names = "--step", defaultValue = "15s", description = "Resolution, e.g. 15s, 1m")
        String step;

        @Override
        public Integer call() {
            BurnrateCommand root = BurnrateCommand.root(spec);
            java.time.Instant to = root.clock.instant();
            java.time.Instant from = to.minus(duration(since, "--since"));
            List<GpuSample> samples = new dev.burnrate.ingest.gpu.PrometheusPull(url).pull(from, to, duration(step, "--step"));
            try (Services s = root.open()) {
                long added = s.gpuSamples().append(samples);
                root.out.println(url + ": " + samples.size() + " samples from " + from + " to " + to + ", " + added + " new");
                root.out.flush();
            }
            return 0;
        }

        static java.time.Duration duration(String text, String option) {
            String v = text.strip().toLowerCase(Locale.ROOT);
            try {
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                return switch (v.charAt(v.length() - 1)) {
                    case 's' -> java.time.Duration.ofSeconds(n);
                    case 'm' -> java.time.Duration.ofMinutes(n);
                    case 'h' -> java.time.Duration.ofHours(n);
                    case 'd' -> java.time.Duration.ofDays(n);
                    default -> throw new NumberFormatException();
                };
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(option + " " + text + ": expected e.g. 30s, 15m, 6h or 2d");
            }
        }
    }

    @Command(name = "usage", description = "Utilisation (mean, p95) and idle GPU time per job, GPU, host, pod or namespace.")
    static final class Usage implements Callable<Integer> {
        @ParentCommand
        GpuCommand parent;

        @Option(names = "--by", defaultValue = "job", description = "job|gpu|host|pod|namespace|model|team")
        String by;

        @Option(names = "--from", paramLabel = "DATE", description = "Inclusive start, YYYY-MM-DD (UTC)")
        String from;

        @Option(names = "--to", paramLabel = "DATE", description = "Exclusive end, YYYY-MM-DD (UTC)")
        String to;

        @Option(names = "--idle-below", defaultValue = "5", description = "Utilisation (%%) under which a GPU counts as idle")
        double idleBelow;

        @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
        Output.Format format;

        @Override
        public Integer call() {
            GpuSamples.Group g = GpuSamples.Group.valueOf(by.toUpperCase(Locale.ROOT));
            LocalDate f = CostQueryParser.date("from", from);
            LocalDate t = CostQueryParser.date("to", to);
            try (Services s = parent.root.open()) {
                List<List<String>> rows = new ArrayList<>();
                for (GpuSamples.Usage u : s.gpuSamples().usage(g, dev.burnrate.ledger.Window.startOf(f),
                        dev.burnrate.ledger.Window.endOf(t), idleBelow)) {
                    rows.add(List.of(u.key(), String.valueOf(u.samples()), fmt(u.meanUtilization()), fmt(u.p95Utilization()),
                            fmt(u.gpuSeconds() / 3600), fmt(u.idleGpuSeconds() / 3600), fmt(u.idleWithMemoryHeldSeconds() / 3600),
                            u.meanUtilization() == null ? "n/a" : fmt(100 * u.idleShare()) + "%"));
                }
                Output.print(parent.root.out, format, List.of(by, "samples", "util_mean", "util_p95", "gpu_hours", "idle_gpu_hours",
                        "idle_held_gpu_hours", "idle_share"), rows, null);
            }
            return 0;
        }

        private static String fmt(double v) {
            return String.format(Locale.ROOT, "%.2f", v);
        }

        /** A utilisation no sample could give ([N/A]) is shown as such, not as 0. */
        private static String fmt(Double v) {
            return v == null ? "n/a" : fmt(v.doubleValue());
        }
    }

    /** The same import, as "gpu import". */
    @Command(name = "import", description = "Same as 'burnrate import gpu'.")
    static final class ImportHere extends Import {
    }
}
