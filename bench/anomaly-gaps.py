#!/usr/bin/env python3
"""Missing rows: a labelled data folder with rows dropped at random, or their values left empty.

Usage: anomaly-gaps.py SRC DST P SEED [empty]   drop each row with probability P (never a series' first two rows);
                                                with "empty", keep the row and leave its value empty instead
Labels stay with their rows (a dropped labelled row is gone; an event keeps its other rows). The random draws are
seeded by SEED and the series' path, so a rerun writes the same files. Used by bench/anomaly-eval.sh (fourth part).
"""
import csv
import os
import random
import sys
import zlib


def main():
    src, dst, p, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    empty = len(sys.argv) > 5 and sys.argv[5] == "empty"
    for d, _, files in os.walk(src):
        for fn in sorted(files):
            if not fn.endswith(".csv"):
                continue
            rel = os.path.relpath(os.path.join(d, fn), src)
            rows = list(csv.reader(open(os.path.join(d, fn), newline="")))[1:]
            rnd = random.Random(zlib.crc32(rel.encode()) * 1000 + seed)
            out = []
            for i, r in enumerate(rows):
                if i < 2 or rnd.random() >= p:
                    out.append(r[:3])
                elif empty:
                    out.append([r[0], "", r[2]])
            path = os.path.join(dst, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["TimeStamp", "Value", "Label"])
                w.writerows(out)


if __name__ == "__main__":
    main()
