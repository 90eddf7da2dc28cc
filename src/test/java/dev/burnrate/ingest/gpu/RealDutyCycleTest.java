package dev.burnrate.ingest.gpu;

import dev.burnrate.ledger.GpuSample;
import dev.burnrate.ledger.GpuSamples;
import dev.burnrate.store.DuckGpuSamples;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idle detection on real production duty cycles: six inference pods of Alibaba's 2026 GenAI trace (one sample a
 * minute, anonymised times). Computed independently here from the raw rows: the share of samples under 5% per pod
 * must equal the idle share Burnrate reports (samples are evenly spaced, so time shares equal sample shares).
 */
class RealDutyCycleTest {
    @TempDir
    Path dir;

    @Test
    void usage_alibabaPods_idleShareMatchesTheRawSamples() throws Exception {
        Path f = TestLedger.fixture("gpu/alibaba-genai-duty-cycle-6pods.csv", dir);
        List<GpuSample> samples = new ArrayList<>();
        java.util.Map<String, int[]> raw = new java.util.TreeMap<>();
        for (String line : Files.readAllLines(f).subList(1, Files.readAllLines(f).size())) {
            String[] v = line.split(",");
            double util = Double.parseDouble(v[0]);
            samples.add(new GpuSample(Instant.ofEpochSecond((long) Double.parseDouble(v[1])), null, "pod-" + v[2], 0, null, v[2], "genai",
                    null, Math.min(100, util), 1, 0));
            int[] c = raw.computeIfAbsent(v[2], k -> new int[2]);
            c[0]++;
            if (util < 5) c[1]++;
        }
        try (TestLedger l = new TestLedger(dir)) {
            DuckGpuSamples store = new DuckGpuSamples(l.db);
            assertThat(store.append(samples)).isEqualTo(samples.size());
            List<GpuSamples.Usage> byPod = store.usage(GpuSamples.Group.POD, Instant.EPOCH, Instant.parse("9999-01-01T00:00:00Z"), 5);
            assertThat(byPod).hasSize(6);
            for (GpuSamples.Usage u : byPod) {
                int[] c = raw.get(u.key());
                assertThat(u.samples()).isEqualTo(c[0]);
                // each sample stands for the minute to the next; the last one for the median step: shares match to a sample
                assertThat(u.idleShare()).as(u.key()).isCloseTo((double) c[1] / c[0], org.assertj.core.api.Assertions.within(1.5 / c[0]));
            }
            // production inference pods sit idle about half the time or more: the money the __idle__ bucket is for
            assertThat(byPod).allSatisfy(u -> assertThat(u.idleShare()).isGreaterThan(0.45));
            assertThat(byPod).anySatisfy(u -> assertThat(u.idleShare()).isGreaterThan(0.75));
        }
    }
}
