package dev.burnrate.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/** The HTTP channels: generic webhook (HMAC-signed), Slack incoming webhook, PagerDuty Events v2, Jira create-issue. */
public final class HttpChannels {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpChannels() {
    }

    static void post(String name, String url, String body, Map<String, String> headers) throws Channel.DeliveryException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                String text = r.body() == null ? "" : r.body();
                throw new Channel.DeliveryException(name + ": " + url + " answered " + r.statusCode() + " "
                        + text.substring(0, Math.min(200, text.length())), null);
            }
        } catch (IOException e) {
            throw new Channel.DeliveryException(name + ": cannot reach " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Channel.DeliveryException(name + ": interrupted", e);
        }
    }

    static String text(Alert a) {
        StringBuilder sb = new StringBuilder();
        sb.append('[').append(a.severity().name()).append("] ").append(a.title()).append('\n').append(a.summary());
        a.details().forEach((k, v) -> sb.append('\n').append(k).append(": ").append(v));
        if (a.recommendedAction() != null) sb.append("\nRecommended action: ").append(a.recommendedAction());
        if (a.link() != null) sb.append('\n').append(a.link());
        return sb.toString();
    }

    static ObjectNode payload(Alert a) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", a.id());
        n.put("source", a.source());
        n.put("severity", a.severity().name().toLowerCase());
        n.put("dedupKey", a.dedupKey());
        n.put("title", a.title());
        n.put("summary", a.summary());
        ObjectNode d = n.putObject("details");
        a.details().forEach(d::put);
        n.put("link", a.link());
        n.put("recommendedAction", a.recommendedAction());
        n.put("createdAt", a.createdAt().toString());
        n.put("occurrences", a.occurrences());
        return n;
    }

    /** POSTs the alert as JSON with {@code X-Burnrate-Signature: sha256=<hex HMAC of the body>} and an idempotency key. */
    public record Webhook(String name, String url, String secret) implements Channel {
        public Webhook {
            dev.burnrate.spec.HttpUrls.require(url);
        }

        @Override
        public void send(Alert a, String key) throws DeliveryException {
            String body = payload(a).toString();
            post(name, url, body, Map.of("X-Burnrate-Signature", "sha256=" + hmac(secret, body), "Idempotency-Key", key));
        }

        public static String hmac(String secret, String body) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Slack incoming webhook: a text fallback and a section block. */
    public record Slack(String name, String url) implements Channel {
        public Slack {
            dev.burnrate.spec.HttpUrls.require(url);
        }

        @Override
        public void send(Alert a, String key) throws DeliveryException {
            ObjectNode n = JSON.createObjectNode();
            n.put("text", a.title());
            ArrayNode blocks = n.putArray("blocks");
            ObjectNode section = blocks.addObject();
            section.put("type", "section");
            ObjectNode t = section.putObject("text");
            t.put("type", "mrkdwn");
            t.put("text", text(a));
            post(name, url, n.toString(), Map.of());
        }
    }

    /** PagerDuty Events API v2: trigger with the alert's dedup key, so repeats fold into one incident. */
    public record PagerDuty(String name, String url, String routingKey) implements Channel {
        public PagerDuty {
            dev.burnrate.spec.HttpUrls.require(url);
        }

        @Override
        public void send(Alert a, String key) throws DeliveryException {
            ObjectNode n = JSON.createObjectNode();
            n.put("routing_key", routingKey);
            n.put("event_action", "trigger");
            n.put("dedup_key", a.dedupKey());
            ObjectNode p = n.putObject("payload");
            p.put("summary", a.title());
            p.put("source", "burnrate:" + a.source());
            p.put("severity", switch (a.severity()) {
                case PAGE -> "critical";
                case TICKET -> "warning";
                case INFO -> "info";
            });
            p.put("timestamp", a.createdAt().toString());
            ObjectNode cd = p.putObject("custom_details");
            a.details().forEach(cd::put);
            if (a.recommendedAction() != null) cd.put("recommended_action", a.recommendedAction());
            if (a.link() != null) {
                ObjectNode l = n.putArray("links").addObject();
                l.put("href", a.link());
                l.put("text", "Open in Burnrate");
            }
            post(name, url, n.toString(), Map.of());
        }
    }

    /** Jira: create an issue in a project (REST API v2, basic auth with an API token). */
    public record Jira(String name, String url, String project, String issueType, String user, String token) implements Channel {
        public Jira {
            dev.burnrate.spec.HttpUrls.require(url);
        }

        @Override
        public void send(Alert a, String key) throws DeliveryException {
            ObjectNode n = JSON.createObjectNode();
            ObjectNode f = n.putObject("fields");
            f.putObject("project").put("key", project);
            f.put("summary", a.title());
            f.put("description", text(a));
            f.putObject("issuetype").put("name", issueType);
            f.putArray("labels").add("burnrate").add("burnrate-" + a.source());
            String auth = Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
            post(name, url.replaceAll("/+$", "") + "/rest/api/2/issue", n.toString(), Map.of("Authorization", "Basic " + auth));
        }
    }
}
