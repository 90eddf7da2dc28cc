package dev.burnrate.cli;

import dev.burnrate.pricing.InstancePrice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "prices", description = "The price catalog (bundled AWS and GCP prices, plus overrides from burnrate.yaml), hourly, USD.")
final class PricesCommand implements Callable<Integer> {
    @ParentCommand
    BurnrateCommand root;

    @Option(names = "--gpu", description = "GPU model, e.g. h100, a100, l4")
    String gpu;

    @Option(names = "--provider", description = "AWS or 'Google Cloud'")
    String provider;

    @Option(names = "--region", description = "Region, e.g. us-east-1")
    String region;

    @Option(names = "--type", description = "Instance type")
    String type;

    @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
    Output.Format format;

    @Override
    public Integer call() {
        List<List<String>> rows = new ArrayList<>();
        for (InstancePrice p : root.prices().search(gpu, provider, region, type)) {
            rows.add(List.of(p.provider(), p.instanceType(), p.region(), p.gpuName() == null ? "" : p.gpuName(), String.valueOf(p.gpuCount()),
                    p.onDemand().toPlainString(), p.spot() == null ? "" : p.spot().toPlainString(),
                    p.commit1y() == null ? "" : p.commit1y().toPlainString(), p.commit3y() == null ? "" : p.commit3y().toPlainString(),
                    p.source(), p.asOf()));
        }
        Output.print(root.out, format, List.of("provider", "instance_type", "region", "gpu", "gpus", "on_demand", "spot", "commit_1y",
                "commit_3y", "source", "as_of"), rows, List.of(rows.size() + " price(s)"));
        return 0;
    }
}
