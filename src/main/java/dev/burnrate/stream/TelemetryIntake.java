package dev.burnrate.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.gate.Gate;
import dev.burnrate.guard.Heartbeat;
import dev.burnrate.ingest.RecordException;
import dev.burnrate.ingest.gpu.NdjsonSamples;
import dev.burnrate.ingest.inference.InferenceUsageReader;
import dev.burnrate.ledger.GpuSample;
import dev.burnrate.ledger.GpuSamples;
import dev.burnrate.ledger.InferenceUsage;
import dev.burnrate.ledger.InferenceUsages;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of one poll, taken the way HTTP takes the same telemetry: each record's value read by the parser of
 * its kind ({@link NdjsonSamples}, {@link InferenceUsageReader}, {@link Heartbeat#fromJson}) and written through the
 * same store calls, all GPU samples of the poll in one append and all usage in one upsert. Both writes are idempotent
 * by the record's natural key (a GPU and instant; an interval, model, variant, feature, customer and endpoint), and a
 * heartbeat the job already reported is skipped ({@link Gate#heartbeatOnce}), so a poll delivered again changes
 * nothing. A record that cannot be read is rejected with its reason and the others go on; a failing store or gate
 * throws, and nothing of the poll counts as done.
 */
final class TelemetryIntake {
    /** A record as consumed: its position, key and value. */
    record Incoming(String topic, int partition, long offset, String key, byte[] value) {
        /** {@code topic/partition@offset}: where to find the record again. */
        String position() {
            return topic + "/" + partition + "@" + offset;
        }
    }

    /** A record that cannot be stored, and why. */
    record Rejected(Incoming record, String reason) {
    }

    /**
     * What one poll did: records taken per kind; GPU samples that were new (the rest were stored before); heartbeats
     * skipped as already seen; heartbeats for jobs no longer running (late, not wrong); rejected records.
     */
    record Result(int gpuRecords, long gpuSamplesNew, int usageRecords, int jobRecords, int instanceRecords, int heartbeats, int heartbeatsSeen, List<String> late,
                  List<Rejected> rejected) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaSettings.Topics topics;
    private final GpuSamples gpu;
    private final InferenceUsages usage;
    private final dev.burnrate.allocation.JobRuns jobs;
    private final dev.burnrate.ledger.InstanceSamples instances;
    private final Gate gate;

    TelemetryIntake(KafkaSettings.Topics topics, GpuSamples gpu, InferenceUsages usage, dev.burnrate.allocation.JobRuns jobs,
                    dev.burnrate.ledger.InstanceSamples instances, Gate gate) {
        this.topics = topics;
        this.gpu = gpu;
        this.usage = usage;
        this.jobs = jobs;
        this.instances = instances;
        this.gate = gate;
    }

    Result apply(List<Incoming> records) {
        List<Rejected> rejected = new ArrayList<>();
        List<GpuSample> samples = new ArrayList<>();
        List<InferenceUsage> usages = new ArrayList<>();
        List<Incoming> beats = new ArrayList<>();
        int gpuRecords = 0;
        int usageRecords = 0;
        List<dev.burnrate.ledger.JobRun> runs = new ArrayList<>();
        int jobRecords = 0;
        List<dev.burnrate.ledger.InstanceSample> cpu = new ArrayList<>();
        int instanceRecords = 0;
        for (Incoming r : records) {
            if (r.value() == null || r.value().length == 0) {
                rejected.add(new Rejected(r, "empty value (one NDJSON line per record)"));
                continue;
            }
            try {
                if (r.topic().equals(topics.gpuSamples())) {
                    samples.addAll(some(NdjsonSamples.parse(r.value(), r.position()), r, "sample"));
                    gpuRecords++;
                } else if (r.topic().equals(topics.inferenceUsage())) {
                    usages.addAll(some(InferenceUsageReader.ndjson(reader(r), r.position()), r, "usage record"));
                    usageRecords++;
                } else if (r.topic().equals(topics.jobRuns())) {
                    runs.addAll(some(dev.burnrate.ingest.jobs.JobRunJson.parse(reader(r), r.position()), r, "job run"));
                    jobRecords++;
                } else if (r.topic().equals(topics.instanceSamples())) {
                    cpu.addAll(some(dev.burnrate.ingest.instance.InstanceSampleCsv.parse(reader(r), r.position()), r, "sample"));
                    instanceRecords++;
                } else if (r.topic().equals(topics.heartbeats())) {
                    if (gate == null) rejected.add(new Rejected(r, r.position() + ": no gate here to take heartbeats"));
                    else beats.add(r);
                } else {
                    rejected.add(new Rejected(r, "not a telemetry topic of this consumer"));
                }
            } catch (RecordException e) {
                rejected.add(new Rejected(r, e.getMessage()));
            }
        }
        long fresh = samples.isEmpty() ? 0 : gpu.append(samples);
        if (!usages.isEmpty()) usage.upsert(usages);
        if (!cpu.isEmpty()) instances.append(cpu); // idempotent by resource and instant
        if (!runs.isEmpty()) jobs.upsert(runs); // by id: a run posted again (its end, its status) replaces the stored one
        int seen = 0;
        List<String> late = new ArrayList<>();
        int taken = 0;
        for (Incoming r : beats) {
            Heartbeat hb;
            try {
                if (r.key() == null || r.key().isBlank()) throw new IllegalArgumentException("the record's key must be the gate request id");
                JsonNode n = JSON.readTree(r.value());
                hb = Heartbeat.fromJson(n);
            } catch (IOException e) {
                rejected.add(new Rejected(r, r.position() + ": not valid JSON: " + e.getMessage().split("\n")[0]));
                continue;
            } catch (IllegalArgumentException e) {
                rejected.add(new Rejected(r, r.position() + ": " + e.getMessage()));
                continue;
            }
            try {
                if (gate.heartbeatOnce(r.key(), hb).isEmpty()) seen++;
                taken++;
            } catch (Gate.StateException e) {
                // an unknown request is a producer's mistake; a job that has finished may still have a heartbeat in flight
                if (e.notFound()) rejected.add(new Rejected(r, r.position() + ": " + e.getMessage()));
                else late.add(r.position() + ": " + e.getMessage());
            }
        }
        return new Result(gpuRecords, fresh, usageRecords, jobRecords, instanceRecords, taken, seen, late, rejected);
    }

    /** What a record held, or its rejection when it held nothing (a record is one or more lines of its kind). */
    private static <T> List<T> some(List<T> read, Incoming r, String what) {
        if (read.isEmpty()) throw new RecordException(r.position(), 1, null, null, "no " + what + " in the record");
        return read;
    }

    private static Reader reader(Incoming r) {
        return new InputStreamReader(new ByteArrayInputStream(r.value()), StandardCharsets.UTF_8);
    }
}
