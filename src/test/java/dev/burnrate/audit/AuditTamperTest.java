package dev.burnrate.audit;

import dev.burnrate.app.Main;
import dev.burnrate.app.Wiring;
import dev.burnrate.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The audit log is checked where it is trusted: the gate rebuilds its book from it only through a verified walk, so an
 * entry edited in the table ("pending → approved") makes the gate and the server refuse with the entry named; removing
 * the newest entries is seen by {@code audit verify} through the journal's head, kept outside the table.
 */
class AuditTamperTest {
    static final String CONFIG = """
            prices:
              - {provider: AWS, instanceType: p4d.24xlarge, region: us-east-1, onDemand: 20.00, source: test}
            gate:
              autoApproveLimit: 100
            """;
    static final Instant NOW = Instant.parse("2026-09-10T08:00:00Z");

    @TempDir
    Path dir;

    Path db() {
        return dir.resolve("l.duckdb");
    }

    /** Two requests: one approved (small), one waiting for approval (above the auto-approve limit). */
    void fileTwoRequests() throws Exception {
        Files.writeString(dir.resolve("burnrate.yaml"), CONFIG);
        try (Wiring w = Wiring.open(db(), dir.resolve("burnrate.yaml"), new MutableClock(NOW))) {
            w.gate().submit(request("""
                    {"id":"small","model":"churn","team":"ml","kind":"experiment","instanceType":"p4d.24xlarge","count":1,"expectedHours":1,"trigger":{"type":"manual"}}"""));
            w.gate().submit(request("""
                    {"id":"big","model":"churn","team":"ml","kind":"full","instanceType":"p4d.24xlarge","count":2,"expectedHours":20,"trigger":{"type":"manual"}}"""));
            assertThat(w.gate().get("big").orElseThrow().state().name()).isEqualTo("PENDING_APPROVAL");
        }
    }

    static dev.burnrate.gate.GateRequest request(String json) throws Exception {
        return dev.burnrate.http.GateRequests.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json), "pipeline");
    }

    void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db().toAbsolutePath()); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    record Result(int code, String out, String err) {
    }

    Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 4];
        all[0] = "--db";
        all[1] = db().toString();
        all[2] = "--config";
        all[3] = dir.resolve("burnrate.yaml").toString();
        System.arraycopy(args, 0, all, 4, args.length);
        int code = Main.run(all, new PrintWriter(out, true), new PrintWriter(err, true), new MutableClock(NOW));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void pendingEditedToApprovedInTheTable_gateAndServerRefuse_namingTheEntry() throws Exception {
        fileTwoRequests();
        sql("UPDATE audit_log SET detail = replace(detail, '\"state\":\"pending_approval\"', '\"state\":\"approved\"') WHERE subject = 'big'");

        try (Wiring w = Wiring.open(db(), dir.resolve("burnrate.yaml"), new MutableClock(NOW))) {
            assertThat(w.gate().get("big")).isEmpty(); // nothing was rebuilt from the edited chain
            assertThatThrownBy(() -> w.gate().approve("big", "lead", "ok"))
                    .isInstanceOf(AuditLog.BrokenChainException.class)
                    .hasMessageContaining("(gate.pending_approval big) was changed after it was written");
        }
        Result serve = cli("serve", "--port", "0");
        assertThat(serve.code()).isEqualTo(1);
        assertThat(serve.err()).contains("the audit chain is broken", "gate.pending_approval big", "burnrate audit verify");
        Result verify = cli("audit", "verify");
        assertThat(verify.code()).isEqualTo(1);
        assertThat(verify.out() + verify.err()).contains("gate.pending_approval big");
    }

    @Test
    void newestEntriesDeletedFromTheTable_auditVerifyReportsThemRemoved() throws Exception {
        fileTwoRequests();
        long last;
        try (Wiring w = Wiring.open(db(), dir.resolve("burnrate.yaml"), new MutableClock(NOW))) {
            AuditLog.Verification v = w.audit().verify();
            assertThat(v.intact()).isTrue();
            last = v.entries();
        }
        sql("DELETE FROM audit_log WHERE subject = 'big'"); // the newest entries: what a cover-up would remove

        Result verify = cli("audit", "verify");
        assertThat(verify.code()).isEqualTo(1);
        assertThat(verify.out() + verify.err()).contains("were removed", "entry " + last + " was written");
        Result serve = cli("serve", "--port", "0");
        assertThat(serve.code()).isEqualTo(1);
        assertThat(serve.err()).contains("were removed");
    }

    @Test
    void untouchedLog_reopens_verifies_andServesTheSameBook() throws Exception {
        fileTwoRequests();
        try (Wiring w = Wiring.open(db(), dir.resolve("burnrate.yaml"), new MutableClock(NOW))) {
            assertThat(w.audit().verify().intact()).isTrue();
            w.gate().requireTrusted();
            assertThat(w.gate().get("big").orElseThrow().state().name()).isEqualTo("PENDING_APPROVAL");
        }
    }
}
