package dev.burnrate.alert;

import dev.burnrate.testing.DashboardRoutes;
import dev.burnrate.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Alert links open the dashboard view of their subject, at the configured public URL or where this server listens. */
class AlertLinksTest {
    private static Alerts alerts(String dashboardUrl) {
        return new Alerts(null, new MutableClock(Instant.parse("2026-09-01T00:00:00Z")), Map.of(), Duration.ZERO, dashboardUrl);
    }

    @Test
    void configuredPublicUrl_linksToTheDashboardsHashRoute() {
        String link = alerts("https://burnrate.acme.com/").dashboardLink("/budgets?id=fraud-monthly");
        assertThat(link).isEqualTo("https://burnrate.acme.com/#/budgets?id=fraud-monthly");
        assertThat(DashboardRoutes.pages()).contains(DashboardRoutes.pageOf(link));
    }

    @Test
    void noPublicUrl_linksToTheAddressTheServerIsBoundTo_notAGuessedOne() {
        Alerts a = alerts(null);
        assertThat(a.dashboardLink("/anomalies?id=x")).isNull(); // not served: nothing to link to
        a.servedAt("127.0.0.1", 43123);
        assertThat(a.dashboardLink("/anomalies?id=x")).isEqualTo("http://127.0.0.1:43123/#/anomalies?id=x");
        a.servedAt("::1", 8081);
        assertThat(a.dashboardLink("/approvals")).isEqualTo("http://[::1]:8081/#/approvals");
        a.servedAt("0.0.0.0", 8080);
        assertThat(a.dashboardLink("/approvals")).doesNotContain("0.0.0.0").endsWith(":8080/#/approvals");
    }

    @Test
    void everyRouteAlertsUse_isADashboardPage() {
        // the routes raised by budgets, anomalies, the gate, cost-record policies and SLOs (a model's debug page, a pool's on-call)
        for (String route : new String[]{"/budgets?id=b", "/anomalies?id=a", "/approvals", "/policies", "/debug?model=m", "/oncall"}) {
            assertThat(DashboardRoutes.pages()).as(route).contains(DashboardRoutes.pageOf(alerts("http://h").dashboardLink(route)));
        }
    }

    @Test
    void serverWithoutAlertingConfig_linksToThePortItServesOn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("burnrate.yaml"), "gate:\n  autoApproveLimit: 10\n");
        try (dev.burnrate.app.Wiring w = dev.burnrate.app.Wiring.open(dir.resolve("l.duckdb"), dir.resolve("burnrate.yaml"),
                new MutableClock(Instant.parse("2026-09-10T08:00:00Z")))) {
            int port = w.serve("127.0.0.1", 0);
            try {
                w.gate().submit(dev.burnrate.http.GateRequests.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                        {"id":"big","model":"m","team":"ml","kind":"experiment","instanceType":"p4d.24xlarge","count":8,"expectedHours":100,
                         "trigger":{"type":"manual"}}"""), "pipeline"));
                assertThat(w.alerts().list(Alert.State.OPEN, 10)).isNotEmpty()
                        .allSatisfy(al -> assertThat(al.link()).startsWith("http://127.0.0.1:" + port + "/#/"));
            } finally {
                w.api().stop();
            }
        }
    }
}
