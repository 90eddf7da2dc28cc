package dev.burnrate.ingest.instance;

import dev.burnrate.ingest.RecordException;
import dev.burnrate.ledger.InstanceSample;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstanceSampleCsvTest {
    @Test
    void cloudWatchNames_anyOrderAndOffsets_areReadAsInstantsAndAMissingMemoryIsNotZero() {
        List<InstanceSample> s = InstanceSampleCsv.parse(new StringReader("""
                InstanceId,CPUUtilization,Timestamp,mem_used_percent,Unit
                i-0abc,12.5,2026-11-20T08:05:00Z,40,Percent
                i-0abc,7,2026-11-20T10:10:00+02:00,,Percent
                """), "cw.csv");
        assertThat(s).containsExactly(new InstanceSample(Instant.parse("2026-11-20T08:05:00Z"), "i-0abc", 12.5, 40.0),
                new InstanceSample(Instant.parse("2026-11-20T08:10:00Z"), "i-0abc", 7, null));
    }

    @Test
    void badLines_nameFileLineColumnValueAndReason() {
        assertThatThrownBy(() -> parse("timestamp,resource_id,cpu_utilization\n2026-11-20T08:05:00Z,i-1,5\n2026-11-20 08:10:00,i-1,5\n"))
                .isInstanceOf(RecordException.class).hasMessageContaining("s.csv:3").hasMessageContaining("timestamp")
                .hasMessageContaining("2026-11-20 08:10:00").hasMessageContaining("offset");
        assertThatThrownBy(() -> parse("timestamp,resource_id,cpu_utilization\n2026-11-20T08:05:00Z,i-1,120\n"))
                .hasMessageContaining("s.csv:2").hasMessageContaining("cpu_utilization").hasMessageContaining("'120'").hasMessageContaining("0-100");
        assertThatThrownBy(() -> parse("timestamp,resource_id,cpu_utilization,memory_utilization\n2026-11-20T08:05:00Z,i-1,5,lots\n"))
                .hasMessageContaining("memory_utilization").hasMessageContaining("'lots'").hasMessageContaining("not a number");
        assertThatThrownBy(() -> parse("timestamp,resource_id,cpu_utilization\n2026-11-20T08:05:00Z,,5\n"))
                .hasMessageContaining("s.csv:2").hasMessageContaining("resource_id");
        assertThatThrownBy(() -> parse("timestamp,resource_id,cpu_utilization\n2026-11-20T08:05:00Z,i-1\n"))
                .hasMessageContaining("s.csv:2").hasMessageContaining("expected 3 columns, found 2");
        assertThatThrownBy(() -> parse("time,host,util\n2026-11-20T08:05:00Z,h,5\n"))
                .hasMessageContaining("s.csv:1").hasMessageContaining("needs timestamp, resource_id and cpu_utilization");
        assertThatThrownBy(() -> parse("")).hasMessageContaining("empty");
    }

    private static List<InstanceSample> parse(String text) {
        return InstanceSampleCsv.parse(new StringReader(text), "s.csv");
    }
}
