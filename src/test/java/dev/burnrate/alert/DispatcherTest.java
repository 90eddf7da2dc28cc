package dev.burnrate.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import dev.burnrate.store.DuckAlertStore;
import dev.burnrate.testing.MutableClock;
import dev.burnrate.testing.TestLedger;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox against real receivers: an HTTP server on a free loopback port and GreenMail's SMTP server. */
class DispatcherTest {
    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP);

    @TempDir
    Path dir;
    TestLedger ledger;
    DuckAlertStore store;
    HttpServer receiver;
    String base;
    final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger failuresLeft = new AtomicInteger();
    final MutableClock clock = new MutableClock(Instant.parse("2026-09-16T12:00:00Z"));
    final ObjectMapper json = new ObjectMapper();

    record Received(String path, Map<String, List<String>> headers, String body) {
    }

    @BeforeEach
    void start() throws IOException {
        ledger = new TestLedger(dir);
        store = new DuckAlertStore(ledger.db);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = failuresLeft.getAndDecrement() > 0 ? 503 : 200;
            if (status == 200) received.add(new Received(ex.getRequestURI().getPath(), ex.getRequestHeaders(), body));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        receiver.start();
        base = "http://127.0.0.1:" + receiver.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
        ledger.close();
    }

    private Alerts alerts(Duration minDuration) {
        return new Alerts(store, clock, Map.of(), minDuration, "http://burnrate.example");
    }

    private void raise(Alerts a, Alert.Severity sev, String key, List<String> channels) {
        a.raise("budget", sev, key, "Budget fraud: 80% actual threshold crossed", "Scope team=fraud",
                Map.of("spent", "4100.00 USD", "budget", "5000 USD"), "/budgets?id=fraud", "Pause non-critical jobs", channels);
    }

    @Test
    void webhook_isSignedWithHmacAndCarriesAnIdempotencyKey() throws Exception {
        Dispatcher d = new Dispatcher(store, Map.of("ops", new HttpChannels.Webhook("ops", base + "/hook", "s3cret")), clock, null);
        raise(alerts(Duration.ZERO), Alert.Severity.TICKET, "k1", List.of("ops"));
        assertThat(d.runOnce()).isEqualTo(1);
        Received r = received.get(0);
        assertThat(r.headers().get("X-burnrate-signature").get(0)).isEqualTo("sha256=" + HttpChannels.Webhook.hmac("s3cret", r.body()));
        assertThat(r.headers().get("Idempotency-key").get(0)).endsWith(":ops");
        JsonNode body = json.readTree(r.body());
        assertThat(body.get("details").get("spent").asText()).isEqualTo("4100.00 USD");
        assertThat(body.get("link").asText()).isEqualTo("http://burnrate.example/#/budgets?id=fraud");
        assertThat(body.get("recommendedAction").asText()).isEqualTo("Pause non-critical jobs");
    }

    @Test
    void oneChannelThrowing_othersAreStillDeliveredAndItIsRetried() {
        // a channel that fails other than by DeliveryException (as a file: URL made the HTTP client throw) used to end the whole pass
        Channel broken = new Channel() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public void send(Alert alert, String key) {
                throw new IllegalArgumentException("invalid URI scheme file");
            }
        };
        Dispatcher d = new Dispatcher(store, Map.of("broken", broken, "ops", new HttpChannels.Webhook("ops", base + "/hook", "k")), clock, null);
        Alerts a = alerts(Duration.ZERO);
        raise(a, Alert.Severity.PAGE, "first", List.of("broken", "ops"));
        raise(a, Alert.Severity.PAGE, "second", List.of("broken", "ops"));
        assertThat(d.runOnce()).isEqualTo(2);
        assertThat(received).hasSize(2);
        List<AlertStore.Delivery> ds = store.deliveries(store.list(null, 10).get(0).id());
        assertThat(ds).filteredOn(x -> x.channel().equals("broken")).singleElement().satisfies(x -> {
            assertThat(x.state()).isNotEqualTo("DELIVERED");
            assertThat(x.lastError()).contains("broken", "invalid URI scheme file");
            assertThat(x.nextAttemptAt()).isEqualTo(clock.instant().plus(Duration.ofSeconds(30)));
        });
    }

    @Test
    void httpChannels_refuseUrlsThatAreNotHttp() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HttpChannels.Webhook("ops", "file:///etc/passwd", "k"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an http or https URL");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HttpChannels.Slack("s", "gopher://hooks.example.com/x"))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HttpChannels.Jira("j", "acme.atlassian.net", "P", "Task", "u", "t"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void receiverDown_deliveryIsRetriedWithBackoffAndNothingIsLost() {
        failuresLeft.set(2);
        Dispatcher d = new Dispatcher(store, Map.of("ops", new HttpChannels.Webhook("ops", base + "/hook", "k")), clock, null);
        raise(alerts(Duration.ZERO), Alert.Severity.PAGE, "k2", List.of("ops"));
        assertThat(d.runOnce()).isZero();                  // 503
        assertThat(d.runOnce()).isZero();                  // not due yet: backoff 30 s
        clock.advance(Duration.ofSeconds(30));
        assertThat(d.runOnce()).isZero();                  // 503 again, next in 60 s
        clock.advance(Duration.ofSeconds(59));
        assertThat(d.runOnce()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(d.runOnce()).isEqualTo(1);
        assertThat(received).hasSize(1);
        assertThat(store.deliveries(store.list(null, 1).get(0).id())).singleElement()
                .satisfies(x -> assertThat(x.state()).isEqualTo("DELIVERED")).satisfies(x -> assertThat(x.attempts()).isEqualTo(3));
        clock.advance(Duration.ofHours(2));
        assertThat(d.runOnce()).isZero();                  // delivered once, never again
        assertThat(Dispatcher.backoff(30)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void duplicates_areGroupedUnderOneAlertAndDeliveredOnce() {
        Dispatcher d = new Dispatcher(store, Map.of("ops", new HttpChannels.Webhook("ops", base + "/hook", "k")), clock, null);
        Alerts a = alerts(Duration.ZERO);
        raise(a, Alert.Severity.TICKET, "same", List.of("ops"));
        raise(a, Alert.Severity.TICKET, "same", List.of("ops"));
        raise(a, Alert.Severity.TICKET, "same", List.of("ops"));
        d.runOnce();
        assertThat(received).hasSize(1);
        assertThat(store.list(null, 10)).singleElement().satisfies(x -> assertThat(x.occurrences()).isEqualTo(3));
    }

    @Test
    void minimumDuration_alertResolvedBeforeItIsNeverSent() {
        Dispatcher d = new Dispatcher(store, Map.of("ops", new HttpChannels.Webhook("ops", base + "/hook", "k")), clock, null);
        raise(alerts(Duration.ofMinutes(10)), Alert.Severity.TICKET, "flap", List.of("ops"));
        clock.advance(Duration.ofMinutes(5));
        assertThat(d.runOnce()).isZero();
        store.setState(store.list(null, 1).get(0).id(), Alert.State.RESOLVED, clock.instant(), "test");
        clock.advance(Duration.ofMinutes(6));
        d.runOnce();
        assertThat(received).isEmpty();
    }

    @Test
    void quietHours_holdTicketsButNotPages() {
        clock.set(Instant.parse("2026-09-16T23:00:00Z"));
        Dispatcher d = new Dispatcher(store, Map.of("ops", new HttpChannels.Webhook("ops", base + "/hook", "k")), clock,
                new Dispatcher.QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0)));
        Alerts a = alerts(Duration.ZERO);
        raise(a, Alert.Severity.TICKET, "night-ticket", List.of("ops"));
        raise(a, Alert.Severity.PAGE, "night-page", List.of("ops"));
        assertThat(d.runOnce()).isEqualTo(1);
        assertThat(json(received.get(0)).get("severity").asText()).isEqualTo("page");
        clock.set(Instant.parse("2026-09-17T07:00:00Z"));
        assertThat(d.runOnce()).isEqualTo(1);
        assertThat(json(received.get(1)).get("severity").asText()).isEqualTo("ticket");
    }

    private JsonNode json(Received r) {
        try {
            return json.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void slackPagerDutyAndJira_getTheirOwnPayloads() {
        Map<String, Channel> chs = Map.of(
                "slack", new HttpChannels.Slack("slack", base + "/slack"),
                "pd", new HttpChannels.PagerDuty("pd", base + "/v2/enqueue", "ROUTING-KEY"),
                "jira", new HttpChannels.Jira("jira", base + "/jira", "FINOPS", "Task", "bot@example.com", "tok"));
        Dispatcher d = new Dispatcher(store, chs, clock, null);
        raise(alerts(Duration.ZERO), Alert.Severity.PAGE, "multi", List.of("slack", "pd", "jira"));
        assertThat(d.runOnce()).isEqualTo(3);
        Received slack = received.stream().filter(r -> r.path().equals("/slack")).findFirst().orElseThrow();
        assertThat(json(slack).get("blocks").get(0).get("text").get("text").asText()).contains("[PAGE]", "spent: 4100.00 USD");
        JsonNode pd = json(received.stream().filter(r -> r.path().equals("/v2/enqueue")).findFirst().orElseThrow());
        assertThat(pd.get("routing_key").asText()).isEqualTo("ROUTING-KEY");
        assertThat(pd.get("event_action").asText()).isEqualTo("trigger");
        assertThat(pd.get("dedup_key").asText()).isEqualTo("multi");
        assertThat(pd.get("payload").get("severity").asText()).isEqualTo("critical");
        assertThat(pd.get("links").get(0).get("href").asText()).isEqualTo("http://burnrate.example/#/budgets?id=fraud");
        Received jira = received.stream().filter(r -> r.path().equals("/jira/rest/api/2/issue")).findFirst().orElseThrow();
        assertThat(jira.headers().get("Authorization").get(0)).isEqualTo("Basic " + java.util.Base64.getEncoder()
                .encodeToString("bot@example.com:tok".getBytes(StandardCharsets.UTF_8)));
        assertThat(json(jira).get("fields").get("project").get("key").asText()).isEqualTo("FINOPS");
    }

    @Test
    void email_isDeliveredToARealSmtpServer() throws Exception {
        EmailChannel mail = new EmailChannel("mail", "127.0.0.1", smtp.getSmtp().getPort(), "burnrate@example.com",
                List.of("finops@example.com"), null, null, false);
        Dispatcher d = new Dispatcher(store, Map.of("mail", mail), clock, null);
        raise(alerts(Duration.ZERO), Alert.Severity.TICKET, "mail-1", List.of("mail"));
        assertThat(d.runOnce()).isEqualTo(1);
        MimeMessage[] got = smtp.getReceivedMessages();
        assertThat(got).hasSize(1);
        assertThat(got[0].getSubject()).isEqualTo("[burnrate ticket] Budget fraud: 80% actual threshold crossed");
        assertThat(got[0].getAllRecipients()[0].toString()).isEqualTo("finops@example.com");
        assertThat(((String) got[0].getContent())).contains("spent: 4100.00 USD", "Recommended action: Pause non-critical jobs");
        assertThat(got[0].getHeader("X-Burnrate-Dedup-Key")[0]).isEqualTo("mail-1");
    }
}
