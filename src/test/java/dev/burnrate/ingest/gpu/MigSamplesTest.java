package dev.burnrate.ingest.gpu;

import dev.burnrate.ingest.RecordException;
import dev.burnrate.ledger.GpuSample;
import dev.burnrate.ledger.GpuSamples;
import dev.burnrate.ledger.MigInstance;
import dev.burnrate.store.DuckGpuSamples;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * MIG-mode GPUs as nvidia-smi and the DCGM exporter report them: nvidia-smi says {@code [N/A]} for the utilisation of
 * a GPU in MIG mode; DCGM publishes one series per GPU instance (labels GPU_I_ID, GPU_I_PROFILE) with
 * DCGM_FI_PROF_GR_ENGINE_ACTIVE instead of DCGM_FI_DEV_GPU_UTIL (see src/test/resources/gpu/NOTICE).
 */
class MigSamplesTest {
    static final String A100_MIG_GPU = "GPU-d6dd33b9-e50e-997c-f303-c8f7312fa498";
    static final String A100_WHOLE_GPU = "GPU-08abd178-8a91-05c5-6a52-1ab4a05bcdaf";

    @TempDir
    Path dir;

    private String fixture() throws Exception {
        return Files.readString(TestLedger.fixture("gpu/dcgm-mig-a100.prom", dir));
    }

    @Test
    void dcgm_migInstances_areSeriesOfTheirOwn_withTheirPodsValuesAndShares() throws Exception {
        List<GpuSample> s = DcgmText.parse(fixture(), "dcgm-mig-a100.prom", Instant.EPOCH);
        Map<String, GpuSample> byKey = s.stream().collect(Collectors.toMap(GpuSample::seriesKey, Function.identity()));
        assertThat(byKey).containsOnlyKeys(A100_MIG_GPU + "/1", A100_MIG_GPU + "/5", A100_MIG_GPU + "/13", A100_WHOLE_GPU);

        GpuSample train = byKey.get(A100_MIG_GPU + "/1");
        assertThat(train.time()).isEqualTo(Instant.parse("2026-11-23T12:00:00Z"));
        assertThat(train.mig()).isEqualTo(new MigInstance("1", "3g.40gb"));
        assertThat(train.pod()).isEqualTo("churn-retrain-3");
        assertThat(train.namespace()).isEqualTo("ml");
        assertThat(train.host()).isEqualTo("gpu-node-7");
        assertThat(train.utilizationPercent()).isCloseTo(91.2345, within(1e-9));   // GR_ENGINE_ACTIVE 0.912345
        assertThat(train.memoryUsedMiB()).isEqualTo(21996);
        assertThat(train.memoryTotalMiB()).isEqualTo(21996 + 18323);
        assertThat(train.gpuShare()).isEqualTo(3.0 / 7);

        GpuSample serve = byKey.get(A100_MIG_GPU + "/5");
        assertThat(serve.pod()).isEqualTo("ranker-7f9c");
        assertThat(serve.utilizationPercent()).isEqualTo(25.0);
        assertThat(serve.gpuShare()).isEqualTo(2.0 / 7);

        GpuSample spare = byKey.get(A100_MIG_GPU + "/13");
        assertThat(spare.pod()).isNull();
        assertThat(spare.utilizationPercent()).isZero();
        assertThat(spare.gpuShare()).isEqualTo(1.0 / 7);

        GpuSample whole = byKey.get(A100_WHOLE_GPU);
        assertThat(whole.mig()).isNull();
        assertThat(whole.utilizationPercent()).isEqualTo(87.0);                     // GPU_UTIL where published
        assertThat(whole.pod()).isEqualTo("fraud-retrain-9");
        assertThat(whole.gpuShare()).isEqualTo(1.0);
    }

    @Test
    void usage_migInstances_countTheirShareOfTheGpu_andEachPodItsOwn() throws Exception {
        String first = fixture();
        String second = first.replace(" 1795435200000", " 1795435230000");         // the next scrape, 30 s later
        List<GpuSample> all = new ArrayList<>(DcgmText.parse(first, "scrape-1", Instant.EPOCH));
        all.addAll(DcgmText.parse(second, "scrape-2", Instant.EPOCH));
        try (TestLedger l = new TestLedger(dir)) {
            DuckGpuSamples store = new DuckGpuSamples(l.db);
            assertThat(store.append(all)).isEqualTo(8);
            assertThat(store.append(all)).isZero();                                  // per instance and instant: once
            Instant from = Instant.parse("2026-11-23T00:00:00Z");
            Instant to = Instant.parse("2026-11-24T00:00:00Z");
            // each series: 30 s to its next sample, the last one the median interval (30 s) = 60 s of its GPU share
            Map<String, GpuSamples.Usage> byPod = store.usage(GpuSamples.Group.POD, from, to, 5).stream()
                    .collect(Collectors.toMap(GpuSamples.Usage::key, Function.identity()));
            assertThat(byPod.get("churn-retrain-3").gpuSeconds()).isCloseTo(60 * 3.0 / 7, within(1e-9));
            assertThat(byPod.get("ranker-7f9c").gpuSeconds()).isCloseTo(60 * 2.0 / 7, within(1e-9));
            assertThat(byPod.get("fraud-retrain-9").gpuSeconds()).isCloseTo(60, within(1e-9));
            GpuSamples.Usage spare = byPod.get("(no pod)");
            assertThat(spare.gpuSeconds()).isCloseTo(60 * 1.0 / 7, within(1e-9));
            assertThat(spare.idleGpuSeconds()).isCloseTo(60 * 1.0 / 7, within(1e-9)); // 0 % and 13 MiB held
            Map<String, GpuSamples.Usage> byGpu = store.usage(GpuSamples.Group.GPU, from, to, 5).stream()
                    .collect(Collectors.toMap(GpuSamples.Usage::key, Function.identity()));
            assertThat(byGpu).containsOnlyKeys(A100_MIG_GPU + " GI 1 (3g.40gb)", A100_MIG_GPU + " GI 5 (2g.20gb)",
                    A100_MIG_GPU + " GI 13 (1g.10gb)", A100_WHOLE_GPU);
            GpuSamples.Usage host = store.usage(GpuSamples.Group.HOST, from, to, 5).get(0);
            // the MIG GPU's instances hold 6 of its 7 slices: 60 × 6/7 s, plus the whole GPU's 60 s
            assertThat(host.gpuSeconds()).isCloseTo(60 * 6.0 / 7 + 60, within(1e-9));
        }
    }

    @Test
    void dcgm_aWholeGpuSeriesBesideItsInstances_isNotCountedTwice() {
        String text = """
                DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-a",Hostname="n1"} 40000 1795435200000
                DCGM_FI_PROF_GR_ENGINE_ACTIVE{gpu="0",UUID="GPU-a",GPU_I_ID="1",GPU_I_PROFILE="7g.80gb",Hostname="n1"} 0.5 1795435200000
                """;
        assertThat(DcgmText.parse(text, "dcgm", Instant.EPOCH)).singleElement()
                .satisfies(g -> assertThat(g.seriesKey()).isEqualTo("GPU-a/1"))
                .satisfies(g -> assertThat(g.gpuShare()).isEqualTo(1.0))
                .satisfies(g -> assertThat(g.memoryUsedMiB()).isNull());
    }

    @Test
    void dcgm_twoValuesForOneSeries_areAnError_notAnOverwrite() {
        String text = """
                DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-a",pod="trainer-1"} 90
                DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-a",pod="notebook-2"} 100
                """;
        assertThatThrownBy(() -> DcgmText.parse(text, "dcgm", Instant.EPOCH)).isInstanceOf(RecordException.class)
                .hasMessageContaining("dcgm:2").hasMessageContaining("pod").hasMessageContaining("trainer-1");
        String badProfile = "DCGM_FI_PROF_GR_ENGINE_ACTIVE{gpu=\"0\",UUID=\"GPU-a\",GPU_I_ID=\"1\",GPU_I_PROFILE=\"MIG 1g\"} 0.5\n";
        assertThatThrownBy(() -> DcgmText.parse(badProfile, "dcgm", Instant.EPOCH))
                .hasMessageContaining("dcgm:1").hasMessageContaining("GPU_I_PROFILE").hasMessageContaining("MIG 1g");
    }

    @Test
    void migProfile_shareIsSlicesOfTheGpu() {
        assertThat(MigInstance.share("1g.10gb")).isEqualTo(1.0 / 7);                // A100 / H100 80GB
        assertThat(MigInstance.share("3g.40gb")).isEqualTo(3.0 / 7);
        assertThat(MigInstance.share("7g.141gb")).isEqualTo(1.0);                   // H200, whole GPU as one instance
        assertThat(MigInstance.share("1g.20gb")).isEqualTo(1.0 / 7);                // one slice, twice the memory
        assertThat(MigInstance.share("1g.10gb+me")).isEqualTo(1.0 / 7);
        assertThat(MigInstance.share("2g.12gb")).isEqualTo(2.0 / 4);                // A30: four slices
        assertThat(MigInstance.share("4g.24gb")).isEqualTo(1.0);
    }

    @Test
    void nvidiaSmi_migModeGpu_naUtilisationIsAbsent_notZero_notAnError() throws Exception {
        // nvidia-smi --query-gpu on an A100 with MIG enabled: utilisation is per instance, the GPU says [N/A]
        String csv = """
                timestamp, index, uuid, utilization.gpu [%], memory.used [MiB], memory.total [MiB]
                2026/11/23 12:00:00.000, 0, GPU-d6dd33b9-e50e-997c-f303-c8f7312fa498, [N/A], 38265 MiB, 81920 MiB
                2026/11/23 12:00:00.000, 1, GPU-08abd178-8a91-05c5-6a52-1ab4a05bcdaf, 87 %, 40960 MiB, 81920 MiB
                2026/11/23 12:00:30.000, 0, GPU-d6dd33b9-e50e-997c-f303-c8f7312fa498, [N/A], 38265 MiB, 81920 MiB
                2026/11/23 12:00:30.000, 1, GPU-08abd178-8a91-05c5-6a52-1ab4a05bcdaf, 0 %, 40960 MiB, 81920 MiB
                """;
        List<GpuSample> s = NvidiaSmiCsv.parse(new StringReader(csv), "smi.csv", "gpu-node-7", null, ZoneOffset.UTC);
        assertThat(s).hasSize(4);
        assertThat(s.get(0).utilizationPercent()).isNull();
        assertThat(s.get(0).memoryUsedMiB()).isEqualTo(38265);
        try (TestLedger l = new TestLedger(dir)) {
            DuckGpuSamples store = new DuckGpuSamples(l.db);
            assertThat(store.append(s)).isEqualTo(4);
            Map<String, GpuSamples.Usage> byGpu = store.usage(GpuSamples.Group.GPU, Instant.parse("2026-11-23T00:00:00Z"),
                    Instant.parse("2026-11-24T00:00:00Z"), 5).stream().collect(Collectors.toMap(GpuSamples.Usage::key, Function.identity()));
            GpuSamples.Usage mig = byGpu.get(A100_MIG_GPU);
            assertThat(mig.gpuSeconds()).isEqualTo(60.0);                           // the GPU was there, its hours count
            assertThat(mig.meanUtilization()).isNull();                             // unknown, not 0 %
            assertThat(mig.idleGpuSeconds()).isZero();                              // and so not idle
            assertThat(byGpu.get(A100_WHOLE_GPU).meanUtilization()).isEqualTo(43.5);
        }
    }

    @Test
    void ndjson_migInstanceAndNullUtilisation_areRead() {
        String body = """
                {"time":"2026-11-23T12:00:00Z","gpu":"GPU-a","index":0,"gpuInstance":"5","gpuProfile":"2g.20gb","util":25,"memUsedMiB":16256,"memTotalMiB":20127}
                {"time":"2026-11-23T12:00:00Z","gpu":"GPU-b","index":1,"util":null,"memUsedMiB":null}
                """;
        List<GpuSample> s = NdjsonSamples.parse(new StringReader(body), "body");
        assertThat(s.get(0).seriesKey()).isEqualTo("GPU-a/5");
        assertThat(s.get(0).gpuShare()).isEqualTo(2.0 / 7);
        assertThat(s.get(1).utilizationPercent()).isNull();
        assertThat(s.get(1).memoryUsedMiB()).isNull();
        assertThatThrownBy(() -> NdjsonSamples.parse(new StringReader("{\"time\":\"2026-11-23T12:00:00Z\",\"gpu\":\"g\",\"gpuInstance\":\"1\",\"util\":1,\"memUsedMiB\":1}"), "body"))
                .hasMessageContaining("body:1").hasMessageContaining("gpuProfile");
    }
}
