package dev.burnrate.app;

import dev.burnrate.cli.BurnrateCommand;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command's {@code --help}, found by walking picocli's command tree, renders cleanly and describes every option. */
class CliHelpTest {
    private static List<CommandSpec> commands() {
        CommandLine root = BurnrateCommand.commandLine(null, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), TestLedger.CLOCK);
        List<CommandSpec> all = new ArrayList<>();
        walk(root.getCommandSpec(), all);
        return all;
    }

    private static void walk(CommandSpec spec, List<CommandSpec> into) {
        into.add(spec);
        for (CommandLine sub : new java.util.LinkedHashSet<>(spec.subcommands().values())) walk(sub.getCommandSpec(), into);
    }

    private static List<String> path(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        for (CommandSpec s = spec; s.parent() != null; s = s.parent()) names.add(0, s.name());
        return names;
    }

    @Test
    void everyCommandsSummaryLine_isAWholeSentence_soTheParentsCommandListDoesNotCutItOff() {
        List<String> cut = new ArrayList<>();
        for (CommandSpec c : commands()) {
            if (c.parent() == null) continue;
            String[] d = c.usageMessage().description();
            if (d.length == 0 || !d[0].strip().matches(".*[.?)]$")) cut.add(path(c) + ": " + (d.length == 0 ? "(none)" : d[0]));
        }
        assertThat(cut).as("commands whose first description line (all the parent's list shows) is not a whole sentence").isEmpty();
    }

    @Test
    void everyCommandsHelp_exitsZero_andPrintsNothingOnStderr() {
        List<CommandSpec> commands = commands();
        assertThat(commands).hasSizeGreaterThan(30);
        PrintStream systemErr = System.err;
        ByteArrayOutputStream stray = new ByteArrayOutputStream();
        System.setErr(new PrintStream(stray, true, StandardCharsets.UTF_8));
        try {
            for (CommandSpec c : commands) {
                List<String> args = new ArrayList<>(path(c));
                args.add("--help");
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int code = Main.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true), TestLedger.CLOCK);
                assertThat(code).as("exit code of %s: %s", args, err).isZero();
                assertThat(err.toString()).as("stderr of %s", args).isEmpty();
                assertThat(out.toString()).as("usage of %s", args).contains("Usage: burnrate " + String.join(" ", path(c)));
                assertThat(stray.toString(StandardCharsets.UTF_8)).as("warnings printed by %s", args).isEmpty();
            }
        } finally {
            System.setErr(systemErr);
        }
    }

    @Test
    void everyOptionAndParameter_hasADescription() {
        List<String> undescribed = new ArrayList<>();
        for (CommandSpec c : commands()) {
            if (c.usageMessage().description().length == 0 || String.join("", c.usageMessage().description()).isBlank()) {
                undescribed.add(String.join(" ", path(c)) + " (the command itself)");
            }
            List<ArgSpec> args = new ArrayList<>(c.options());
            args.addAll(c.positionalParameters());
            for (ArgSpec a : args) {
                if (a.description().length == 0 || String.join("", a.description()).isBlank()) {
                    String name = a instanceof CommandLine.Model.OptionSpec o ? o.longestName() : a.paramLabel();
                    undescribed.add(String.join(" ", path(c)) + " " + name);
                }
            }
        }
        assertThat(undescribed).isEmpty();
    }

    @Test
    void usageError_pointsAtTheSubcommandsFullHelpPath() {
        StringWriter err = new StringWriter();
        int code = Main.run(new String[]{"generate", "focus"}, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), TestLedger.CLOCK);
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("(see 'burnrate generate focus --help')");
    }
}
