#!/usr/bin/env python3
"""A third, differently sourced check for the anomaly detector: real AI-workload telemetry from ../shared/data/workloads
(no anomaly labels of its own) with incidents injected at random places, written in the labelled TimeStamp,Value,Label
format of anomaly-dev so that ../shared/tools score it like the two development sets.

It came after the detector's defaults (candidate changes are checked on it as well as on the two development sets);
it measures whether the defaults carry over to the series Burnrate watches in production (job arrivals, GPUs requested and running, per-pod GPU duty cycle and memory, gateway QPS,
LLM requests and tokens, GPUs per team per day) at their own sampling rates (10 s, minutes, hours, days).

Injected (seeded, 1-2 per series, onsets uniform in the series' 25-90%, kinds drawn per incident):
  spike     one row 0.5-1.5 times the series' normal range (its 1st to 99th percentile) beyond the edge of that range
            (upwards for counts and non-negative series): outside what the series does, not merely a large step
  shift     the level multiplied by 1.5-2.5 (or 0.3-0.6) for 3-15% of the series (a rise where it was 0)
  outage    the value drops to 0 for 3-10% of the series (series that are mostly above 0)
  runaway   an excess that grows linearly from 0 to 1-2 times the level over 5-15% of the series
A duty cycle stays at most 100%. Every row of an injected incident is labelled 1. The real series' own incidents, if any, are unlabelled: an alarm on
one counts as false for every detector alike.

Usage: anomaly-injected.py SHARED_DATA_DIR OUT_DIR [SEED]
"""
import csv
import datetime as dt
import os
import random
import statistics
import sys
from collections import defaultdict

src, out = sys.argv[1], sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20261204
w = os.path.join(src, "workloads")
series = {}  # group/name -> list of (iso time, value)


def iso(t):
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def bucketed(times_values, step, start, end, how="sum"):
    acc = defaultdict(list)
    for t, v in times_values:
        acc[int((t - start) // step)].append(v)
    rows = []
    for b in range(int((end - start) // step)):
        vals = acc.get(b, [])
        if how == "sum":
            v = sum(vals)
        elif not vals:
            continue
        else:
            v = sum(vals) / len(vals)
        rows.append((iso(start + b * step), v))
    return rows


# Philly: job arrivals, GPUs requested by them, GPUs held by running jobs, per hour (the trace starts 2017-10-03).
philly_start = dt.datetime(2017, 10, 3, tzinfo=dt.timezone.utc).timestamp()
jobs = []
with open(os.path.join(w, "philly/rfold_philly_trace.csv")) as f:
    r = csv.reader(f)
    next(r)
    for row in r:
        jobs.append((float(row[1]), int(float(row[4])), float(row[5])))
end = max(a for a, _, _ in jobs)
series["philly/arrivals_per_hour"] = bucketed([(a, 1) for a, _, _ in jobs], 3600, 0, end)
series["philly/gpus_requested_per_hour"] = bucketed([(a, s) for a, s, _ in jobs], 3600, 0, end)
running = [0.0] * (int(end // 3600) + 1)
for a, s, d in jobs:
    for h in range(int(a // 3600), min(len(running), int((a + d) // 3600) + 1)):
        running[h] += s
series["philly/gpus_running"] = [(None, v) for v in running[:-1]]
for k in list(series):
    if k.startswith("philly/"):
        series[k] = [(iso(philly_start + i * 3600), v) for i, (_, v) in enumerate(series[k])]

# Alibaba GenAI serving: gateway QPS per minute by request type, GPU duty cycle and GPU memory per pod per minute.
qps = defaultdict(list)
with open(os.path.join(w, "alibaba-genai-2026/qps.csv")) as f:
    for row in csv.DictReader(f):
        qps[row["request_type"]].append((float(row["timestamp_anon"]), float(row["value"])))
for kind, tv in qps.items():
    tv.sort()
    series["alibaba/qps_" + kind.split()[0].lower()] = bucketed(tv, 60, tv[0][0], tv[-1][0], how="mean")
for metric, fn in (("duty", "pod_gpu_duty_cycle_anon.csv"), ("memory", "pod_gpu_memory_used_bytes_anon.csv")):
    pods = defaultdict(list)
    with open(os.path.join(w, "alibaba-genai-2026", fn)) as f:
        for row in csv.DictReader(f):
            pods[row["container_ip"]].append((float(row["timestamp_anon"]), float(row["value"])))
    # the 12 pods with a full day of samples that vary most, among those busy at least 5% of the time (an idle pod's
    # flat 0 says nothing)
    full = [(statistics.pstdev([v for _, v in tv]) / (abs(statistics.mean([v for _, v in tv])) + 1e-9), p)
            for p, tv in pods.items() if len(tv) >= 1400 and sum(1 for _, v in tv if v != 0) >= 0.05 * len(tv)]
    for _, p in sorted(full, reverse=True)[:12]:
        tv = sorted(pods[p])
        series["alibaba/gpu_%s_%s" % (metric, p[:8])] = [(iso(t), v) for t, v in tv]

# Azure LLM inference: requests and tokens per 10 seconds over an hour.
for trace in ("conv", "code"):
    tv = []
    with open(os.path.join(w, "azure-llm-inference-2023/AzureLLMInferenceTrace_%s.csv" % trace)) as f:
        for row in csv.DictReader(f):
            t = dt.datetime.fromisoformat(row["TIMESTAMP"][:26]).replace(tzinfo=dt.timezone.utc).timestamp()
            tv.append((t, int(row["ContextTokens"]) + int(row["GeneratedTokens"])))
    tv.sort()
    start = tv[0][0] - tv[0][0] % 10
    series["azure/requests_%s" % trace] = bucketed([(t, 1) for t, _ in tv], 10, start, tv[-1][0])
    series["azure/tokens_%s" % trace] = bucketed(tv, 10, start, tv[-1][0])

# Helios: GPUs per virtual cluster (team) per day, step functions: the teams that are not 0 most of the time and whose
# allocation changed at least once (in a constant series any injection is trivial), and the whole cluster's.
with open(os.path.join(w, "helios/cluster_gpu_number.csv")) as f:
    rows = list(csv.DictReader(f))
for vc in rows[0]:
    if vc == "date":
        continue
    vals = [float(r[vc]) for r in rows]
    if sum(1 for v in vals if v > 0) > 0.8 * len(vals) and len(set(vals)) >= 2:
        series["helios/" + vc] = [(r["date"] + " 00:00:00", float(r[vc])) for r in rows]

rng = random.Random(seed)
counts = defaultdict(int)
manifest = [("series", "rows", "onset", "rows_labelled", "kind", "size")]
for name in sorted(series):
    rows = series[name]
    vals = [v for _, v in rows]
    n = len(vals)
    diffs = sorted(abs(b - a) for a, b in zip(vals, vals[1:]))
    level = statistics.median(vals) or statistics.mean(vals) or 1.0
    # the median absolute difference as a standard deviation of one value; for step functions (most differences 0)
    # the mean absolute difference, and at least 1% of the level
    scale = max(diffs[len(diffs) // 2] / 0.954 or sum(diffs) / len(diffs) / 0.8, 0.01 * abs(level), 1e-9)
    ordered = sorted(vals)
    spread = max(ordered[int(0.99 * (n - 1))] - ordered[int(0.01 * (n - 1))], 10 * scale)  # the normal range
    nonneg = min(vals) >= 0
    cap = 100.0 if "gpu_duty" in name else float("inf")  # a duty cycle is a percentage
    mostly_up = sum(1 for v in vals if v > 0) > 0.9 * n
    labels = [0] * n
    k = rng.choice((1, 2))
    onsets = sorted(rng.sample(range(int(0.25 * n), int(0.9 * n)), k))
    if k == 2 and onsets[1] - onsets[0] < 0.2 * n:
        onsets = onsets[:1]
    for a in onsets:
        kinds = ["spike", "shift", "runaway"] + (["outage"] if mostly_up else [])
        kind = rng.choice(kinds)
        counts[kind] += 1
        if kind == "spike":
            sign = 1 if nonneg or rng.random() < 0.5 else -1
            size = sign * rng.uniform(0.5, 1.5)
            # from the edge of the normal range, so that it lands outside it whatever the value at that row
            edge = max(vals[a], ordered[int(0.99 * (n - 1))]) if sign > 0 else min(vals[a], ordered[int(0.01 * (n - 1))])
            vals[a] = edge + size * spread
            span = 1
        elif kind == "shift":
            span = max(1, int(rng.uniform(0.03, 0.15) * n))
            f = rng.uniform(1.5, 2.5) if rng.random() < 0.6 else rng.uniform(0.3, 0.6)
            size = f
            for i in range(a, min(n, a + span)):
                vals[i] *= f
            if abs(level) < 1e-9 or all(v == 0 for v in vals[a:a + span]):  # nothing to scale: a rise from 0
                f = size = max(f, 1 / f)
                for i in range(a, min(n, a + span)):
                    vals[i] += (f - 1) * max(abs(level), 10 * scale)
        elif kind == "outage":
            span = max(1, int(rng.uniform(0.03, 0.10) * n))
            size = 0
            for i in range(a, min(n, a + span)):
                vals[i] = 0.0
        else:
            span = max(2, int(rng.uniform(0.05, 0.15) * n))
            size = rng.uniform(1, 2)
            top = size * max(abs(level), 10 * scale)
            for j, i in enumerate(range(a, min(n, a + span))):
                vals[i] += top * (j + 1) / span
        for i in range(a, min(n, a + span)):
            labels[i] = 1
            vals[i] = min(vals[i], cap)
        manifest.append((name, n, a, min(n, a + span) - a, kind, "%.2f" % size))
    path = os.path.join(out, name + ".csv")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["TimeStamp", "Value", "Label"])
        for (t, _), v, l in zip(rows, vals, labels):
            wr.writerow([t, repr(v), l])
with open(os.path.join(out, "manifest.tsv"), "w") as f:
    f.writelines("\t".join(map(str, m)) + "\n" for m in manifest)
print("%d series, %d rows, injected %s" % (len(series), sum(len(s) for s in series.values()),
                                          ", ".join("%s %d" % kv for kv in sorted(counts.items()))), file=sys.stderr)
