package dev.burnrate.guard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Posts {@code {"jobId","action","reason"}} to the user's orchestrator; with a secret, signs the body with HMAC-SHA256
 * in {@code X-Burnrate-Signature: sha256=...} (the same scheme as the webhook alert channel). Any non-2xx answer fails.
 */
public final class WebhookActuator implements Actuator {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI url;
    private final String secret;

    public WebhookActuator(URI url, String secret) {
        this.url = dev.burnrate.spec.HttpUrls.require(url.toString());
        this.secret = secret;
    }

    @Override
    public void act(Action action, String jobId, String reason) {
        if (action != Action.CHECKPOINT && action != Action.STOP) return;
        String body = "{\"jobId\":" + quote(jobId) + ",\"action\":\"" + action.label() + "\",\"reason\":" + quote(reason) + "}";
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (secret != null && !secret.isEmpty()) b.header("X-Burnrate-Signature", "sha256=" + hmac(secret, body));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) throw new ActuatorException("webhook " + url + " answered " + r.statusCode() + " to " + action.label(), null);
        } catch (java.io.IOException e) {
            throw new ActuatorException("webhook " + url + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActuatorException("interrupted while calling " + url, e);
        }
    }

    static String hmac(String secret, String body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
