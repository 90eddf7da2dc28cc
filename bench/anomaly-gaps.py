#!/usr/bin/env python3
"""Missing rows and irregular times: a labelled data folder with rows dropped at random, or with its times moved.

Usage: anomaly-gaps.py SRC DST thin P SEED     drop each row with probability P (never a series' first two rows)
       anomaly-gaps.py SRC DST jitter P SEED   move each time by up to P of the series' median step, either way,
                                               to the second, keeping the order
Labels stay with their rows (a dropped labelled row is gone; an event keeps its other rows). The random draws are
seeded by SEED and the series' path, so a rerun writes the same files. Used by bench/anomaly-eval.sh (fourth part).
"""
import csv
import datetime
import os
import random
import sys
import zlib


def parse(t):
    return datetime.datetime.fromisoformat(t.strip().strip('"').replace("T", " ").replace("Z", ""))


def main():
    src, dst, mode, p, seed = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
    for d, _, files in os.walk(src):
        for fn in sorted(files):
            if not fn.endswith(".csv"):
                continue
            rel = os.path.relpath(os.path.join(d, fn), src)
            rows = list(csv.reader(open(os.path.join(d, fn), newline="")))[1:]
            rnd = random.Random(zlib.crc32(rel.encode()) * 1000 + seed)
            out = []
            if mode == "thin":
                out = [r[:3] for i, r in enumerate(rows) if i < 2 or rnd.random() >= p]
            elif mode == "jitter":
                ts = [parse(r[0]) for r in rows]
                steps = sorted((b - a).total_seconds() for a, b in zip(ts, ts[1:]) if b > a)
                step = steps[len(steps) // 2]
                prev = None
                for r, t in zip(rows, ts):
                    moved = t + datetime.timedelta(seconds=round(rnd.uniform(-p, p) * step))
                    if prev is not None and moved <= prev:
                        moved = prev + datetime.timedelta(seconds=1)
                    prev = moved
                    out.append([moved.strftime("%Y-%m-%d %H:%M:%S"), r[1], r[2]])
            else:
                sys.exit("mode is thin or jitter, not " + mode)
            path = os.path.join(dst, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["TimeStamp", "Value", "Label"])
                w.writerows(out)


if __name__ == "__main__":
    main()
