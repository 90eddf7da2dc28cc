package dev.burnrate.http;

import dev.burnrate.ingest.focus.FocusFileException;
import dev.burnrate.ingest.focus.FocusLedger;
import dev.burnrate.ingest.focus.ImportReport;
import dev.burnrate.intake.BillImports;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * /api/v1/imports: bills in while the server serves. POST takes FOCUS exports as multipart field {@code file} (one or
 * more; CSV, CSV.gz, Parquet, told apart by their names) and imports them with exactly the CLI's rules and follow-up
 * ({@link BillImports}); GET lists the import log. Amounts per currency are written by the API's mapper, as exact
 * decimal strings. Bills span every team: an unscoped token is needed.
 */
final class ImportRoutes {
    /** A file name as the importer sees it: its last path segment, in a safe alphabet (the extension tells the format). */
    private static final java.util.regex.Pattern UNSAFE = java.util.regex.Pattern.compile("[^A-Za-z0-9._-]");

    private final BillImports imports;
    private final FocusLedger ledger;

    ImportRoutes(BillImports imports, FocusLedger ledger) {
        this.imports = imports;
        this.ledger = ledger;
    }

    void register(Javalin app) {
        app.post("/api/v1/imports", this::post, Access.Scope.ALL_TEAMS);
        app.get("/api/v1/imports", ctx -> {
            int limit = ctx.queryParam("limit") == null ? 100 : Math.max(1, Math.min(1000, Integer.parseInt(ctx.queryParam("limit"))));
            List<Map<String, Object>> out = new ArrayList<>();
            for (FocusLedger.ImportLogEntry e : ledger.imports(limit)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("importId", e.importId());
                m.put("file", e.file());
                m.put("sha256", e.sha256());
                m.put("focusVersion", e.focusVersion());
                m.put("rows", e.rows());
                m.put("importedAt", e.importedAt().toString());
                m.put("replacedRows", e.replacedRows());
                m.put("billed", e.billed());
                m.put("effective", e.effective());
                m.put("warnings", e.warnings());
                out.add(m);
            }
            ctx.json(Map.of("imports", out));
        }, Access.Scope.ALL_TEAMS);
    }

    private void post(Context ctx) throws IOException {
        List<UploadedFile> uploads = ctx.uploadedFiles("file");
        if (uploads.isEmpty()) {
            ApiServer.problemStatic(ctx, 400, "No file", "send the export as multipart/form-data field 'file' (CSV, CSV.gz or Parquet)");
            return;
        }
        Path dir = Files.createTempDirectory("burnrate-upload-");
        try {
            List<Path> files = new ArrayList<>();
            Map<Path, String> names = new LinkedHashMap<>();
            for (UploadedFile u : uploads) {
                String name = UNSAFE.matcher(Path.of(u.filename() == null || u.filename().isBlank() ? "upload.csv" : u.filename()).getFileName().toString())
                        .replaceAll("_");
                Path f = Files.createDirectories(dir.resolve(String.valueOf(files.size()))).resolve(name); // each under its own name
                try (InputStream in = u.content()) {
                    Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
                }
                files.add(f);
                names.put(f, name); // reports, errors and the import log name the upload, not where it was kept
            }
            BillImports.Outcome outcome = imports.importFiles(files, names);
            Map<String, Object> body = report(outcome, dir);
            ImportReport.Failed failed = outcome.report().files().stream().filter(ImportReport.Failed.class::isInstance)
                    .map(ImportReport.Failed.class::cast).findFirst().orElse(null);
            if (failed == null) {
                boolean stored = outcome.report().files().stream().anyMatch(ImportReport.Imported.class::isInstance);
                ctx.status(stored ? 201 : 200).json(body);
                return;
            }
            // problem+json naming the first bad file, line, column and value, with the whole report (other files may be stored)
            FocusFileException e = failed.error();
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("type", "about:blank");
            p.put("title", "Import failed");
            p.put("status", 422);
            p.put("detail", clean(e.getMessage(), dir));
            p.put("file", clean(e.file(), dir));
            if (e.line() > 0) p.put("line", e.line());
            if (e.column() != null) p.put("column", e.column());
            if (e.value() != null) p.put("value", e.value());
            p.put("reason", e.reason());
            p.put("instance", ctx.path());
            p.put("report", body);
            ctx.status(422).json(p).contentType("application/problem+json"); // the API's mapper: amounts as exact decimal strings
        } finally {
            try (var all = Files.walk(dir)) {
                for (Path f : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            }
        }
    }

    /** The upload's own name, without the temporary directory it was stored under. */
    private static String clean(String text, Path dir) {
        if (text == null) return null;
        return text.replaceAll(java.util.regex.Pattern.quote(dir.toString()) + "[/\\\\][0-9]+[/\\\\]", "");
    }

    private static Map<String, Object> report(BillImports.Outcome o, Path dir) {
        List<Map<String, Object>> files = new ArrayList<>();
        for (ImportReport.FileResult f : o.report().files()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", clean(f.file(), dir));
            switch (f) {
                case ImportReport.Imported i -> {
                    m.put("status", "imported");
                    m.put("importId", i.importId());
                    m.put("focusVersion", i.version().label());
                    m.put("rows", i.rows());
                    m.put("billingPeriods", i.billingPeriods());
                    m.put("providers", i.providers());
                    m.put("billed", i.billedByCurrency());
                    m.put("effective", i.effectiveByCurrency());
                    m.put("warnings", i.warnings());
                    List<Map<String, Object>> hits = new ArrayList<>();
                    for (var h : o.findings().getOrDefault(i.importId(), List.of())) {
                        hits.add(Map.of("policy", h.policy().name(), "enforced", h.enforced(), "rows", h.rows(), "effective", h.effectiveByCurrency()));
                    }
                    m.put("policies", hits);
                }
                case ImportReport.Skipped k -> {
                    m.put("status", "skipped");
                    m.put("reason", k.reason());
                }
                case ImportReport.Failed x -> {
                    m.put("status", "failed");
                    m.put("error", clean(x.error().getMessage(), dir));
                }
            }
            files.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("files", files);
        body.put("replacedRows", o.report().replacedRows());
        body.put("anomalies", o.anomalies());
        body.put("budgetsEvaluated", o.budgetsEvaluated());
        return body;
    }
}
