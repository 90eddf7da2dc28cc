package dev.burnrate.cli;

import dev.burnrate.alert.Alert;
import dev.burnrate.alert.AlertChanges;
import dev.burnrate.alert.AlertStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "alerts", description = "Alerts in the outbox, with their delivery state.",
        subcommands = {AlertsCommand.Ack.class, AlertsCommand.Resolve.class, AlertsCommand.Deliver.class})
final class AlertsCommand implements Callable<Integer> {
    @ParentCommand
    BurnrateCommand root;

    @Option(names = "--state", description = "open|acknowledged|resolved (default: all)")
    String state;

    @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
    Output.Format format;

    @Override
    public Integer call() {
        Alert.State st = state == null ? null : Alert.State.parse("--state", state);
        try (Services s = root.open()) {
            List<List<String>> rows = new ArrayList<>();
            AlertStore.Listing newest = s.alerts().newest(st);
            if (newest.truncated()) {
                root.err.println("burnrate: showing the newest " + AlertStore.LIST_LIMIT + (st == null ? "" : " " + state.toLowerCase(Locale.ROOT))
                        + " alerts; there are more" + (st == null ? " (--state narrows the list)" : ""));
                root.err.flush();
            }
            for (Alert a : newest.alerts()) {
                String deliveries = s.alerts().deliveries(a.id()).stream()
                        .map(d -> d.channel() + ":" + d.state().toLowerCase() + (d.attempts() > 1 ? "(" + d.attempts() + ")" : ""))
                        .collect(Collectors.joining(" "));
                rows.add(List.of(a.id(), a.createdAt().toString(), a.severity().name().toLowerCase(), a.state().name().toLowerCase(),
                        a.source(), String.valueOf(a.occurrences()), a.title(), deliveries));
            }
            Output.print(root.out, format, List.of("id", "created", "severity", "state", "source", "seen", "title", "deliveries"), rows, null);
        }
        return 0;
    }

    abstract static class Change implements Callable<Integer> {
        @ParentCommand
        AlertsCommand parent;

        @Parameters(paramLabel = "ID", description = "The alert id, as listed by 'burnrate alerts'")
        String id;

        @Option(names = "--by", description = "Who acts, in the audit log (default: cli:<your user name>)")
        String by;

        abstract Alert.State target();

        @Override
        public Integer call() {
            try (Services s = parent.root.open()) {
                Alert a = s.alerts().find(id).orElseThrow(() -> new IllegalArgumentException("no alert '" + id + "'"));
                String to = target().name().toLowerCase(Locale.ROOT);
                AlertChanges changes = new AlertChanges(s.alerts(), parent.root.clock, (actor, action, subject) -> s.audit().append(actor, action, subject, "{}"));
                switch (changes.move(a, target(), parent.root.actor(by, AlertChanges::actor))) {
                    case ALREADY -> parent.root.out.println("alert " + id + " is already " + to);
                    case REFUSED -> throw new IllegalStateException(s.alerts().find(id).orElse(a).refusal(target()));
                    case CHANGED -> parent.root.out.println("alert " + id + " " + to);
                }
                parent.root.out.flush();
            }
            return 0;
        }
    }

    @Command(name = "ack", description = "Acknowledge an alert.")
    static final class Ack extends Change {
        @Override
        Alert.State target() {
            return Alert.State.ACKNOWLEDGED;
        }
    }

    @Command(name = "resolve", description = "Resolve an alert; pending deliveries are dropped.")
    static final class Resolve extends Change {
        @Override
        Alert.State target() {
            return Alert.State.RESOLVED;
        }
    }

    @Command(name = "deliver", description = "Deliver what is due in the outbox now (serve does this every 15 s).")
    static final class Deliver implements Callable<Integer> {
        @ParentCommand
        AlertsCommand parent;

        @Override
        public Integer call() {
            try (Services s = parent.root.open()) {
                int n = s.dispatcher().runOnce();
                int pending = s.alerts().pending(); // counted, not claimed: due() on a shared outbox would take them from the replicas' dispatchers
                parent.root.out.println("delivered " + n + "; " + pending + " delivery(ies) still pending");
                parent.root.out.flush();
            }
            return 0;
        }
    }
}
