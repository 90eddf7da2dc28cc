package dev.burnrate.ingest.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.ingest.RecordException;
import dev.burnrate.ledger.GpuSample;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pulls DCGM GPU metrics from a Prometheus server through its HTTP API ({@code /api/v1/query_range}):
 * {@code DCGM_FI_DEV_GPU_UTIL}, {@code DCGM_FI_DEV_FB_USED} and {@code DCGM_FI_DEV_FB_FREE}, one sample per GPU
 * and step, with the pod, namespace, container and Hostname labels the exporter attaches.
 */
public final class PrometheusPull {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public PrometheusPull(String baseUrl) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
    }

    private static final class Acc {
        Map<String, String> labels = Map.of();
        Double util;
        Long used;
        Long free;
    }

    public List<GpuSample> pull(Instant from, Instant to, Duration step) {
        Map<String, Acc> byKey = new LinkedHashMap<>();
        for (String metric : List.of("DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE")) {
            JsonNode result = query(metric, from, to, step);
            for (JsonNode series : result) {
                Map<String, String> labels = new LinkedHashMap<>();
                series.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
                String uuid = labels.getOrDefault("UUID", labels.get("uuid"));
                if (uuid == null || uuid.isBlank()) continue;
                for (JsonNode v : series.path("values")) {
                    Instant t = Instant.ofEpochMilli(new BigDecimal(v.get(0).asText()).movePointRight(3).longValue());
                    double value = Double.parseDouble(v.get(1).asText());
                    Acc a = byKey.computeIfAbsent(uuid + "@" + t.toEpochMilli(), k -> new Acc());
                    if (metric.endsWith("GPU_UTIL")) {
                        a.labels = labels;
                        a.util = value;
                    } else if (metric.endsWith("FB_USED")) {
                        a.used = (long) value;
                    } else {
                        a.free = (long) value;
                    }
                }
            }
        }
        List<GpuSample> out = new ArrayList<>();
        byKey.forEach((key, a) -> {
            if (a.util == null) return;
            Map<String, String> lb = a.labels;
            long used = a.used == null ? 0 : a.used;
            out.add(new GpuSample(Instant.ofEpochMilli(Long.parseLong(key.substring(key.indexOf('@') + 1))), lb.get("Hostname"),
                    lb.getOrDefault("UUID", lb.get("uuid")), Integer.parseInt(lb.getOrDefault("gpu", "0")), null, blank(lb.get("pod")),
                    blank(lb.get("namespace")), blank(lb.get("container")), a.util, used, a.free == null ? 0 : used + a.free));
        });
        return out;
    }

    private JsonNode query(String metric, Instant from, Instant to, Duration step) {
        String url = baseUrl + "/api/v1/query_range?query=" + URLEncoder.encode(metric, StandardCharsets.UTF_8)
                + "&start=" + from.getEpochSecond() + "&end=" + to.getEpochSecond() + "&step=" + Math.max(1, step.getSeconds()) + "s";
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(r.body());
            if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
                throw new RecordException(baseUrl, 0, metric, null, "Prometheus answered " + r.statusCode() + ": " + body.path("error").asText(r.body()));
            }
            return body.path("data").path("result");
        } catch (IOException e) {
            throw new RecordException(baseUrl, 0, null, null, "cannot query Prometheus: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RecordException(baseUrl, 0, null, null, "interrupted");
        }
    }

    private static String blank(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
