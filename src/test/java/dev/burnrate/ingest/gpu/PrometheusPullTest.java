package dev.burnrate.ingest.gpu;

import com.sun.net.httpserver.HttpServer;
import dev.burnrate.ledger.GpuSample;
import dev.burnrate.ledger.GpuSamples;
import dev.burnrate.store.DuckGpuSamples;
import dev.burnrate.testing.PrometheusServer;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Prometheus scrapes a small DCGM-style exporter served by the test (GPU-a in pod fraud-retrain-7 at 90%,
 * GPU-b idle with 2 GiB held); Burnrate pulls the series through Prometheus's HTTP API and stores them.
 */
class PrometheusPullTest {
    @TempDir
    Path dir;

    @Test
    void pull_fromARealPrometheusScrapingDcgmMetrics_storesSamplesWithPodLabels() throws Exception {
        AtomicInteger scrapes = new AtomicInteger();
        HttpServer exporter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        exporter.createContext("/metrics", ex -> {
            scrapes.incrementAndGet();
            byte[] body = """
                    # TYPE DCGM_FI_DEV_GPU_UTIL gauge
                    DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-a",Hostname="node-1",container="trainer",namespace="ml",pod="fraud-retrain-7"} 90
                    DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-b",Hostname="node-1"} 0
                    # TYPE DCGM_FI_DEV_FB_USED gauge
                    DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-a",Hostname="node-1",container="trainer",namespace="ml",pod="fraud-retrain-7"} 40960
                    DCGM_FI_DEV_FB_USED{gpu="1",UUID="GPU-b",Hostname="node-1"} 2048
                    DCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-a",Hostname="node-1",container="trainer",namespace="ml",pod="fraud-retrain-7"} 40599
                    """.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        exporter.start();
        try (PrometheusServer prometheus = new PrometheusServer(dir, "127.0.0.1:" + exporter.getAddress().getPort());
             TestLedger ledger = new TestLedger(dir)) {
            PrometheusServer.await(() -> prometheus.get("/api/v1/query?query=count_over_time(DCGM_FI_DEV_GPU_UTIL%5B1m%5D)")
                    .matches("(?s).*\"value\":\\[[0-9.]+,\"([4-9]|[1-9][0-9])\"].*"), Duration.ofSeconds(60), "four scrapes in Prometheus");
            Instant now = Instant.now();
            List<GpuSample> samples = new PrometheusPull(prometheus.url).pull(now.minusSeconds(60), now, Duration.ofSeconds(1));
            assertThat(samples).isNotEmpty();
            GpuSample a = samples.stream().filter(s -> s.gpuUuid().equals("GPU-a")).findFirst().orElseThrow();
            assertThat(a.pod()).isEqualTo("fraud-retrain-7");
            assertThat(a.namespace()).isEqualTo("ml");
            assertThat(a.host()).isEqualTo("node-1");
            assertThat(a.utilizationPercent()).isEqualTo(90);
            assertThat(a.memoryUsedMiB()).isEqualTo(40960);
            assertThat(a.memoryTotalMiB()).isEqualTo(81559);
            DuckGpuSamples store = new DuckGpuSamples(ledger.db);
            assertThat(store.append(samples)).isEqualTo(samples.size());
            List<GpuSamples.Usage> byPod = store.usage(GpuSamples.Group.GPU, now.minusSeconds(3600), now.plusSeconds(60), 5);
            assertThat(byPod).extracting(GpuSamples.Usage::key).containsExactlyInAnyOrder("GPU-a", "GPU-b");
            GpuSamples.Usage idle = byPod.stream().filter(u -> u.key().equals("GPU-b")).findFirst().orElseThrow();
            assertThat(idle.idleShare()).isEqualTo(1.0);
            assertThat(idle.idleWithMemoryHeldSeconds()).isEqualTo(idle.idleGpuSeconds());
            assertThat(scrapes.get()).isGreaterThanOrEqualTo(4);
        } finally {
            exporter.stop(0);
        }
    }
}
