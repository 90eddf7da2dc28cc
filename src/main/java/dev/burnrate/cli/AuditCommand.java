package dev.burnrate.cli;

import dev.burnrate.audit.AuditEvent;
import dev.burnrate.audit.AuditLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "audit", description = "The append-only, hash-chained audit log.", subcommands = {AuditCommand.Verify.class, AuditCommand.ListEvents.class})
final class AuditCommand {
    @ParentCommand
    BurnrateCommand root;

    @Command(name = "verify", description = "Recompute the hash chain; exit 1 naming the first entry that was changed, inserted or removed.")
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        AuditCommand parent;

        @Override
        public Integer call() {
            try (Services s = parent.root.open()) {
                AuditLog.Verification v = s.audit().verify();
                if (v.intact()) {
                    parent.root.out.println("audit log intact: " + v.entries() + " entries, head " + v.headHash());
                    parent.root.out.flush();
                    return 0;
                }
                parent.root.out.println("audit log TAMPERED at entry " + v.brokenAt() + ": " + v.reason() + " (" + v.entries() + " entries verified before it)");
                parent.root.out.flush();
                return 1;
            }
        }
    }

    @Command(name = "list", description = "Audit entries in order.")
    static final class ListEvents implements Callable<Integer> {
        @ParentCommand
        AuditCommand parent;
        @Option(names = "--from", defaultValue = "1", description = "First sequence number (default ${DEFAULT-VALUE})")
        long from;
        @Option(names = "--limit", defaultValue = "100", description = "Most entries to show (default ${DEFAULT-VALUE})")
        int limit;
        @Option(names = "--subject", description = "only entries about this subject (a request id, 'policies', alert:ID, anomaly:ID, budget:ID)")
        String subject;
        @Option(names = "--last", description = "Only the newest N entries (of the subject, with --subject)")
        Integer last;
        @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
        Output.Format format;

        @Override
        public Integer call() {
            try (Services s = parent.root.open()) {
                if (from < 1) throw new dev.burnrate.ledger.InvalidParameterException("--from", String.valueOf(from), "must be 1 or more");
                if (limit < 1) throw new dev.burnrate.ledger.InvalidParameterException("--limit", String.valueOf(limit), "must be 1 or more");
                if (last != null && last < 1) throw new dev.burnrate.ledger.InvalidParameterException("--last", String.valueOf(last), "must be 1 or more");
                if (from != 1 && (subject != null || last != null)) {
                    throw new dev.burnrate.ledger.InvalidParameterException("--from", String.valueOf(from), "not with --subject or --last, which choose the entries themselves");
                }
                List<AuditEvent> events = s.audit().select(subject, last, from, limit);
                // an alert's entries are about alert:<id>: a bare alert id found nothing and said nothing
                if (events.isEmpty() && subject != null && !subject.contains(":") && s.alerts().find(subject).isPresent()) {
                    parent.root.err.println("burnrate: no entries about '" + subject + "'; an alert's are about 'alert:" + subject + "'");
                    parent.root.err.flush();
                }
                List<List<Object>> rows = new ArrayList<>();
                for (AuditEvent e : events) {
                    // a gate decision's detail is kilobytes of evidence: the table shows its start, CSV and JSON all of it
                    String detail = e.detail() == null ? "" : e.detail();
                    rows.add(List.of(Long.toString(e.seq()), e.at().toString(), e.actor(), e.action(), e.subject(), e.hash().substring(0, 16),
                            new Output.Text(detail.length() <= 120 ? detail : detail.substring(0, 119) + "…", detail)));
                }
                // the detail is what was decided (a verdict and its note, a budget's spec, a gate's reasons): without it
                // the log said who did something to what, not what
                Output.print(parent.root.out, format, List.of("seq", "at", "actor", "action", "subject", "hash", "detail"), rows, null);
                return 0;
            }
        }
    }
}
