package dev.burnrate.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "demo", description = {"Load a realistic demo dataset into a fresh database and serve it.",
        "Uses ./.burnrate/demo.duckdb (recreated each time) unless --db is given."})
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
        Path db = root.db != null ? root.db : Path.of(".burnrate", "demo.duckdb");
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
        DemoData.load(s, db.toAbsolutePath().getParent(), rows, root.clock, root.out);
        if (noServe) {
            s.close();
            return 0;
        }
        ServeCommand.serve(root, s, bind, port);
        return 0;
    }
}
