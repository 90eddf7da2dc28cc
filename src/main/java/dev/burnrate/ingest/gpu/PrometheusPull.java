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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pulls DCGM GPU metrics from a Prometheus server through its HTTP API ({@code /api/v1/query_range}):
 * {@code DCGM_FI_DEV_GPU_UTIL}, {@code DCGM_FI_PROF_GR_ENGINE_ACTIVE}, {@code DCGM_FI_DEV_FB_USED} and
 * {@code DCGM_FI_DEV_FB_FREE}, one sample per GPU (or MIG instance) and step, with the pod, namespace, container and
 * Hostname labels the exporter attaches; see {@link DcgmSeries}.
 */
public final class PrometheusPull {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public PrometheusPull(String baseUrl) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
    }

    public List<GpuSample> pull(Instant from, Instant to, Duration step) {
        DcgmSeries series = new DcgmSeries(baseUrl);
        for (String metric : DcgmSeries.METRICS) {
            JsonNode result = query(metric, from, to, step);
            for (JsonNode s : result) {
                Map<String, String> labels = new LinkedHashMap<>();
                s.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
                for (JsonNode v : s.path("values")) {
                    Instant t = Instant.ofEpochMilli(new BigDecimal(v.get(0).asText()).movePointRight(3).longValue());
                    double value;
                    try {
                        value = Double.parseDouble(v.get(1).asText());
                    } catch (NumberFormatException e) {
                        throw new RecordException(baseUrl, 0, metric, v.get(1).asText(), "not a number");
                    }
                    series.add(metric, labels, t, value, 0);
                }
            }
        }
        return series.samples();
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
}
