package dev.burnrate.cli;

import dev.burnrate.ledger.CostQueryParser;
import dev.burnrate.ledger.InvalidParameterException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "showback", description = {"Showback for one month: direct + shared + total per owner on effective cost, as CSV by default.",
        "The totals add up to the month's bill exactly (use --basis billed for chargeback against the invoice)."})
final class ShowbackCommand implements Callable<Integer> {
    @ParentCommand
    BurnrateCommand root;

    @Option(names = "--by", defaultValue = "team", description = "Owner dimension (default ${DEFAULT-VALUE})")
    String by;

    @Option(names = "--month", required = true, description = "YYYY-MM")
    String month;

    @Option(names = "--basis", defaultValue = "effective", description = "effective|billed|list|contracted (default ${DEFAULT-VALUE})")
    String basis;

    @Option(names = "--filter", paramLabel = "DIM=VALUE", description = "Repeatable; DIM=A,B or a repeated DIM means any of the values, different DIMs must all hold")
    List<String> filters = new ArrayList<>();

    @Option(names = "--format", defaultValue = "csv", description = "table|csv|json (default ${DEFAULT-VALUE})")
    Output.Format format;

    @Option(names = "--idle", description = "Move the idle GPU cost of each owner's runs into __idle__")
    boolean idle;

    @Override
    public Integer call() {
        YearMonth m;
        try {
            m = YearMonth.parse(month);
        } catch (DateTimeParseException e) {
            throw new InvalidParameterException("month", month, "expected YYYY-MM");
        }
        return CostsCommand.allocated(root, CostQueryParser.parse(by, m.atDay(1).toString(), m.plusMonths(1).atDay(1).toString(),
                "month", basis, filters), format, idle);
    }
}
