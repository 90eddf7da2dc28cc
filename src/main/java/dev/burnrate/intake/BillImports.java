package dev.burnrate.intake;

import dev.burnrate.anomaly.CostAnomalies;
import dev.burnrate.budget.Budgets;
import dev.burnrate.ingest.focus.FocusImporter;
import dev.burnrate.ingest.focus.ImportReport;
import dev.burnrate.policy.CostRecordChecks;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One import of bills, whoever triggers it (the CLI, the API, the demo): the files go into the ledger with the
 * importer's rules (all-or-nothing per file, idempotent by content, restatement by billing period), then, once per
 * import and in this order, the same follow-up: the cost-record policies on each stored file, anomaly detection over
 * the days the import touched among the last {@link #RECENT_DAYS} ended ones, and the budgets, each raising its alerts
 * through the outbox. A backfill of older months does not page anyone about the past (`anomalies --scan --days N`
 * judges history on demand). Nothing follows an import that stored nothing.
 */
public final class BillImports {
    /** Runs the cost-record policies on one stored file and raises their alerts; returns what matched. */
    @FunctionalInterface
    public interface PolicyChecks {
        List<CostRecordChecks.Finding> run(String importId, String file);
    }

    /** What the import stored, what the policies matched per import id, and what the follow-up found. */
    public record Outcome(ImportReport report, Map<String, List<CostRecordChecks.Finding>> findings, int anomalies, int budgetsEvaluated) {
    }

    /** How far back the detection after an import looks: the days whose alert can still lead to action. */
    public static final int RECENT_DAYS = 3;

    private final FocusImporter importer;
    private final PolicyChecks policies;
    private final CostAnomalies anomalies;
    private final Budgets budgets;
    private final Clock clock;

    public BillImports(FocusImporter importer, PolicyChecks policies, CostAnomalies anomalies, Budgets budgets, Clock clock) {
        this.importer = importer;
        this.policies = policies;
        this.anomalies = anomalies;
        this.budgets = budgets;
        this.clock = clock;
    }

    public Outcome importFiles(List<Path> files) {
        return importFiles(files, Map.of());
    }

    /** As {@link #importFiles(List)}, each file known by its name in {@code names} where it has one (an upload's). */
    public Outcome importFiles(List<Path> files, Map<Path, String> names) {
        return followUp(importer.importFiles(files, names));
    }

    /** The part files of one delivery of an export (a manifest's files, a folder's): all imported together, or none. */
    public Outcome importDelivery(List<Path> files, Map<Path, String> names) {
        return followUp(importer.importDelivery(files, names));
    }

    private volatile java.util.function.Consumer<String> log = line -> { };
    private final List<Runnable> after = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Adds a step to the follow-up, run after the budgets of every import that stored something (e.g. the savings alerts). */
    public void afterImport(Runnable step) {
        after.add(step);
    }

    /** Tells {@code log} of each import that stored or refused something, in one line. */
    public void log(java.util.function.Consumer<String> log) {
        this.log = log;
    }

    private Outcome followUp(ImportReport report) {
        Outcome o = followUpOf(report);
        if (report.count(ImportReport.Imported.class) + report.count(ImportReport.Failed.class) > 0) {
            StringBuilder line = new StringBuilder("import: ");
            for (ImportReport.FileResult f : report.files()) {
                switch (f) {
                    case ImportReport.Imported i -> line.append(i.file()).append(" imported (").append(i.rows()).append(" rows); ");
                    case ImportReport.Skipped k -> line.append(k.file()).append(" already there; ");
                    case ImportReport.Failed x -> line.append("refused: ").append(x.error().getMessage()).append("; ");
                }
            }
            line.append(report.replacedRows()).append(" earlier rows replaced; ").append(o.anomalies()).append(" anomalies; ")
                    .append(o.budgetsEvaluated()).append(" budgets evaluated");
            log.accept(line.toString());
        }
        return o;
    }

    private Outcome followUpOf(ImportReport report) {
        Map<String, List<CostRecordChecks.Finding>> findings = new LinkedHashMap<>();
        YearMonth first = null;
        YearMonth last = null;
        for (ImportReport.FileResult f : report.files()) {
            if (!(f instanceof ImportReport.Imported i)) continue;
            findings.put(i.importId(), policies.run(i.importId(), i.file()));
            for (String p : i.billingPeriods()) {
                YearMonth m = YearMonth.parse(p);
                if (first == null || m.isBefore(first)) first = m;
                if (last == null || m.isAfter(last)) last = m;
            }
        }
        if (findings.isEmpty()) return new Outcome(report, findings, 0, 0);
        int found = 0;
        if (first != null) {
            // detection clamps to the days that have ended; a bill of a future period has nothing to judge yet
            LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
            LocalDate from = first.atDay(1).isAfter(today.minusDays(RECENT_DAYS)) ? first.atDay(1) : today.minusDays(RECENT_DAYS);
            LocalDate to = last.plusMonths(1).atDay(1);
            if (from.isBefore(today) && to.isAfter(from)) found = anomalies.detect(from, to).size();
        }
        int evaluated = budgets.evaluate().size();
        for (Runnable step : after) {
            try {
                step.run();
            } catch (RuntimeException e) { // the bill is stored; a follow-up that failed is told, not the import undone
                log.accept("after import: " + e.getMessage());
            }
        }
        return new Outcome(report, findings, found, evaluated);
    }
}
