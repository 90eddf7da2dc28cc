package dev.burnrate;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** Dependencies point inward: adapters → features → ledger. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.burnrate");

    private static final String[] FEATURES = {"dev.burnrate.ledger..", "dev.burnrate.ingest..", "dev.burnrate.pricing..",
            "dev.burnrate.allocation..", "dev.burnrate.budget..", "dev.burnrate.forecast..", "dev.burnrate.anomaly..",
            "dev.burnrate.policy..", "dev.burnrate.gate..", "dev.burnrate.guard..", "dev.burnrate.recommend..",
            "dev.burnrate.alert..", "dev.burnrate.audit..", "dev.burnrate.demo..", "dev.burnrate.access..", "dev.burnrate.spec..",
            "dev.burnrate.slo.."};

    @Test
    void features_doNotDependOnAdaptersStoreOrFrameworks() {
        noClasses().that().resideInAnyPackage(FEATURES)
                .should().dependOnClassesThat().resideInAnyPackage("dev.burnrate.store..", "dev.burnrate.http..",
                        "dev.burnrate.web..", "dev.burnrate.cli..", "dev.burnrate.app..", "dev.burnrate.stream..", "io.javalin..", "picocli..",
                        "org.duckdb..", "java.sql..", "org.apache.kafka..")
                .check(CLASSES);
    }

    @Test
    void ledger_usesOnlyTheJdk() {
        noClasses().that().resideInAPackage("dev.burnrate.ledger..")
                .should().dependOnClassesThat().resideOutsideOfPackages("dev.burnrate.ledger..", "java..")
                .check(CLASSES);
    }

    @Test
    void onlyStore_speaksSql() {
        noClasses().that().resideOutsideOfPackage("dev.burnrate.store..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.duckdb..")
                .check(CLASSES);
    }

    @Test
    void adapters_doNotDependOnEachOtherExceptCliStartingTheServer() {
        noClasses().that().resideInAPackage("dev.burnrate.http..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.burnrate.cli..", "dev.burnrate.store..", "dev.burnrate.app..")
                .check(CLASSES);
        // the Kafka intake takes telemetry as HTTP does, through the same parsers and store ports, never the store itself
        noClasses().that().resideInAPackage("dev.burnrate.stream..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.burnrate.store..", "dev.burnrate.http..", "dev.burnrate.cli..",
                        "dev.burnrate.web..", "dev.burnrate.app..")
                .check(CLASSES);
        noClasses().that().resideOutsideOfPackages("dev.burnrate.stream..", "dev.burnrate.app..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("dev.burnrate.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.burnrate.store..", "dev.burnrate.app..")
                .check(CLASSES);
    }

    @Test
    void packages_haveNoCycles() {
        slices().matching("dev.burnrate.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
