package dev.burnrate.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "demo", description = {"Load a realistic demo dataset into a fresh database and serve it.",
        "Uses ./.burnrate/demo.duckdb (recreated each time) unless --db or BURNRATE_DB names another;",
        "a database the demo did not make is never replaced."})
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    BurnrateCommand root;

    @Option(names = "--rows", defaultValue = "200000", description = "Billing rows to generate")
    long rows;

    @Option(names = "--port", defaultValue = "8080", description = "Port to serve on; 0 picks a free one (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default loopback only)")
    String bind;

    @Option(names = "--no-serve", description = "Load the data and exit")
    boolean noServe;

    @Override
    public Integer call() throws IOException, InterruptedException {
        java.util.Optional<Path> chosen = root.chosenDatabase();
        Path db = chosen.orElse(Path.of(".burnrate", "demo.duckdb"));
        // the demo recreates its database: one named by --db or BURNRATE_DB that it did not make (a real ledger) is left alone
        Path marker = Path.of(db + ".demo");
        if (chosen.isPresent() && Files.exists(db) && !Files.exists(marker)) {
            throw new IllegalStateException("refusing to replace " + db + ": it was not made by 'burnrate demo' (delete it yourself, "
                    + "or give the demo another --db)");
        }
        Files.deleteIfExists(db);
        Files.deleteIfExists(Path.of(db + ".wal"));
        Path journal = Path.of(db + ".audit-journal"); // the audit log's journal belongs to the database it replaces
        if (Files.isDirectory(journal)) {
            try (var files = Files.list(journal)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            Files.delete(journal);
        }
        Services s = root.factory.open(db, root.configPath());
        Files.writeString(marker, "made by 'burnrate demo'; the demo may replace this database\n");
        if (!noServe && port != 0) s.announce(bind, port); // alerts the demo raises link to the dashboard it serves
        DemoData.load(s, db.toAbsolutePath().getParent(), rows, root.clock, root.out);
        // the other commands read ./.burnrate/burnrate.duckdb unless told: say how to point them at the demo's ledger
        root.out.println("demo: ledger " + db + "; to use it from other commands: bin/burnrate --db " + db + " recommend  (or export BURNRATE_DB=" + db + ")");
        root.out.flush();
        if (noServe) {
            s.close();
            return 0;
        }
        ServeCommand.serve(root, s, bind, port);
        return 0;
    }
}
