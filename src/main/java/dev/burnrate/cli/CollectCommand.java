package dev.burnrate.cli;

import picocli.CommandLine.Command;

/** {@code burnrate collect prometheus ...}: the same as {@code burnrate gpu collect}. */
@Command(name = "collect", description = "Pull telemetry from monitoring systems.", subcommands = CollectCommand.Prometheus.class)
final class CollectCommand {
    @Command(name = "prometheus", description = "Pull DCGM GPU metrics (utilisation, framebuffer) from a Prometheus server's HTTP API.")
    static final class Prometheus extends GpuCommand.Collect {
    }
}
