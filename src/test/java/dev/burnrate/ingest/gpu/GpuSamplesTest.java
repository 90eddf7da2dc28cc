package dev.burnrate.ingest.gpu;

import dev.burnrate.ledger.GpuSamples;
import dev.burnrate.ingest.RecordException;
import dev.burnrate.ledger.GpuSample;
import dev.burnrate.store.DuckGpuSamples;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Real telemetry: nvidia-smi on an H100 sampled every second while a training run went through three phases —
 * busy (45 s at 100%), idle with 3.4 GiB held (30 s at 0%), stalled behind a slow input pipeline (45 s at 9-19%) —
 * with 10 s of an empty GPU before and after (see src/test/resources/gpu/NOTICE).
 */
class GpuSamplesTest {
    @TempDir
    Path dir;

    private List<GpuSample> fixture() throws Exception {
        Path f = TestLedger.fixture("gpu/nvidia-smi-h100-training.csv", dir);
        return NvidiaSmiCsv.parse(Files.newBufferedReader(f), f.toString(), "h100-node", "three-phase-run", ZoneOffset.UTC);
    }

    @Test
    void nvidiaSmi_realCapture_isReadSampleBySample() throws Exception {
        List<GpuSample> s = fixture();
        assertThat(s).hasSize(153);
        GpuSample first = s.get(0);
        assertThat(first.time()).isEqualTo(Instant.parse("2026-11-22T22:36:33.503Z"));
        assertThat(first.gpuUuid()).isEqualTo("GPU-8a57a007-268f-f578-d4a2-005c94441582");
        assertThat(first.memoryTotalMiB()).isEqualTo(81559);
        assertThat(s).filteredOn(x -> x.utilizationPercent() == 100).hasSizeGreaterThanOrEqualTo(40);
    }

    @Test
    void usage_realCapture_findsTheIdlePhaseWithMemoryHeld() throws Exception {
        try (TestLedger l = new TestLedger(dir)) {
            DuckGpuSamples store = new DuckGpuSamples(l.db);
            assertThat(store.append(fixture())).isEqualTo(153);
            GpuSamples.Usage u = store.usage(GpuSamples.Group.JOB, Instant.parse("2026-11-22T00:00:00Z"),
                    Instant.parse("2026-11-23T00:00:00Z"), 5).get(0);
            assertThat(u.key()).isEqualTo("three-phase-run");
            assertThat(u.samples()).isEqualTo(153);
            assertThat(u.gpuSeconds()).isCloseTo(153, within(2.0));                  // one second a sample
            assertThat(u.idleWithMemoryHeldSeconds()).isBetween(28.0, 40.0);          // the 30 s idle phase (+ edges)
            assertThat(u.idleGpuSeconds()).isBetween(55.0, 75.0);                    // + 10 s before, 10 s after, start-up
            assertThat(u.meanUtilization()).isBetween(25.0, 45.0);
            assertThat(u.p95Utilization()).isEqualTo(100.0);
        }
    }

    /** One GPU sampled every {@code every} from {@code from} until {@code until}, busy at 80%, memory held. */
    private static List<GpuSample> series(String gpu, String job, Instant from, Instant until, java.time.Duration every) {
        List<GpuSample> out = new java.util.ArrayList<>();
        for (Instant t = from; t.isBefore(until); t = t.plus(every)) {
            out.add(new GpuSample(t, "node-1", gpu, 0, job, null, null, null, 80, 40_000, 81_559));
        }
        return out;
    }

    @ParameterizedTest(name = "every {0} s")
    @ValueSource(ints = {10, 60, 300})
    void usage_twoHoursSampledAtAnyInterval_countsTwoGpuHours(int seconds) throws Exception {
        Instant start = Instant.parse("2026-11-22T10:00:00Z");
        try (TestLedger l = new TestLedger(dir)) {
            DuckGpuSamples store = new DuckGpuSamples(l.db);
            store.append(series("GPU-a", "run-1", start, start.plusSeconds(7200), java.time.Duration.ofSeconds(seconds)));
            store.append(series("GPU-b", "run-1", start, start.plusSeconds(7200), java.time.Duration.ofSeconds(seconds)));
            GpuSamples.Usage u = store.usage(GpuSamples.Group.JOB, start.minusSeconds(3600), start.plusSeconds(4 * 3600), 5).get(0);
            assertThat(u.samples()).isEqualTo(2L * 7200 / seconds);
            assertThat(u.gpuSeconds() / 3600).isCloseTo(4.0, within(1e-9));          // two GPUs × two hours
            assertThat(u.idleGpuSeconds()).isZero();
        }
    }

    @Test
    void usage_collectorOutage_isNotCountedAsObservedTime() throws Exception {
        Instant start = Instant.parse("2026-11-22T10:00:00Z");
        try (TestLedger l = new TestLedger(dir)) {
            DuckGpuSamples store = new DuckGpuSamples(l.db);
            // 30 min every 10 s, the collector down for 3 hours, 30 min more
            store.append(series("GPU-a", "run-1", start, start.plusSeconds(1800), java.time.Duration.ofSeconds(10)));
            store.append(series("GPU-a", "run-1", start.plusSeconds(5 * 3600), start.plusSeconds(5 * 3600 + 1800), java.time.Duration.ofSeconds(10)));
            GpuSamples.Usage u = store.usage(GpuSamples.Group.GPU, start, start.plusSeconds(6 * 3600), 5).get(0);
            assertThat(u.gpuSeconds()).isCloseTo(3600, within(1e-9));
        }
    }

    @Test
    void usage_ofGroupsThatTie_comesInTheOrderOfTheirKeys() throws Exception {
        // replicas behind a load balancer answer with one order (a tie came back in the hash order of the replica's run)
        Instant start = Instant.parse("2026-11-22T10:00:00Z");
        try (TestLedger l = new TestLedger(dir)) {
            DuckGpuSamples store = new DuckGpuSamples(l.db);
            for (String gpu : List.of("GPU-d", "GPU-b", "GPU-c", "GPU-a")) {
                store.append(series(gpu, "run-" + gpu, start, start.plusSeconds(3600), java.time.Duration.ofSeconds(60)));
            }
            assertThat(store.usage(GpuSamples.Group.JOB, start, start.plusSeconds(7200), 5)).extracting(GpuSamples.Usage::key)
                    .containsExactly("run-GPU-a", "run-GPU-b", "run-GPU-c", "run-GPU-d");
        }
    }

    @Test
    void append_sameSamplesTwice_storesThemOnce() throws Exception {
        try (TestLedger l = new TestLedger(dir)) {
            DuckGpuSamples store = new DuckGpuSamples(l.db);
            store.append(fixture());
            assertThat(store.append(fixture())).isZero();
        }
    }

    @Test
    void nvidiaSmi_badValue_namesLineAndField() {
        String csv = "timestamp, index, uuid, utilization.gpu [%], memory.used [MiB], memory.total [MiB]\n"
                + "2026/11/22 22:36:33.503, 0, GPU-1, 10 %, 100 MiB, 81559 MiB\n"
                + "2026/11/22 22:36:34.503, 0, GPU-1, high, 100 MiB, 81559 MiB\n";
        assertThatThrownBy(() -> NvidiaSmiCsv.parse(new StringReader(csv), "smi.csv", null, null, ZoneOffset.UTC))
                .isInstanceOf(RecordException.class).hasMessageContaining("smi.csv:3").hasMessageContaining("utilization.gpu")
                .hasMessageContaining("high");
    }

    @Test
    void dcgm_exporterText_givesOneSamplePerGpuWithPodLabels() {
        // the DCGM exporter's exposition format (metric names and labels as it publishes them)
        String text = """
                # HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).
                # TYPE DCGM_FI_DEV_GPU_UTIL gauge
                DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-aaa",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="node-1",container="trainer",namespace="ml",pod="fraud-retrain-7"} 87
                DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-bbb",device="nvidia1",modelName="NVIDIA H100 80GB HBM3",Hostname="node-1",container="",namespace="",pod=""} 0
                # HELP DCGM_FI_DEV_FB_USED Framebuffer memory used (in MiB).
                DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-aaa",device="nvidia0",Hostname="node-1",container="trainer",namespace="ml",pod="fraud-retrain-7"} 40960
                DCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-aaa",device="nvidia0",Hostname="node-1",container="trainer",namespace="ml",pod="fraud-retrain-7"} 40599
                DCGM_FI_DEV_FB_USED{gpu="1",UUID="GPU-bbb",device="nvidia1",Hostname="node-1"} 0
                DCGM_FI_DEV_SM_CLOCK{gpu="0",UUID="GPU-aaa"} 1980
                """;
        List<GpuSample> s = DcgmText.parse(text, "dcgm", Instant.parse("2026-11-22T10:00:00Z"));
        assertThat(s).hasSize(2);
        GpuSample a = s.get(0);
        assertThat(a.pod()).isEqualTo("fraud-retrain-7");
        assertThat(a.namespace()).isEqualTo("ml");
        assertThat(a.host()).isEqualTo("node-1");
        assertThat(a.utilizationPercent()).isEqualTo(87);
        assertThat(a.memoryUsedMiB()).isEqualTo(40960);
        assertThat(a.memoryTotalMiB()).isEqualTo(81559);
        assertThat(s.get(1).pod()).isNull();
        assertThatThrownBy(() -> DcgmText.parse("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"} 5\n", "dcgm", Instant.EPOCH))
                .hasMessageContaining("dcgm:1").hasMessageContaining("UUID");
    }

    @Test
    void ndjson_samples_areReadAndValidatedLineByLine() {
        String ok = "{\"time\":\"2026-11-22T10:00:00Z\",\"gpu\":\"GPU-a\",\"index\":0,\"host\":\"n1\",\"job\":\"j1\",\"util\":50.5,\"memUsedMiB\":100,\"memTotalMiB\":81559}\n";
        assertThat(NdjsonSamples.parse(new StringReader(ok), "body")).singleElement()
                .satisfies(g -> assertThat(g.job()).isEqualTo("j1")).satisfies(g -> assertThat(g.utilizationPercent()).isEqualTo(50.5));
        String bad = ok + "{\"time\":\"2026-11-22T10:00:01Z\",\"gpu\":\"GPU-a\",\"util\":150,\"memUsedMiB\":100}\n";
        assertThatThrownBy(() -> NdjsonSamples.parse(new StringReader(bad), "body")).hasMessageContaining("body:2").hasMessageContaining("0-100");
        assertThatThrownBy(() -> NdjsonSamples.parse(new StringReader("{\"time\":\"yesterday\",\"gpu\":\"g\",\"util\":1,\"memUsedMiB\":1}"), "body"))
                .hasMessageContaining("body:1: time: value 'yesterday'");
    }
}
