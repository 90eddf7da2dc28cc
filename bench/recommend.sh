#!/usr/bin/env bash
# Savings recommendations over a large ledger (issue #15). Usage: bench/recommend.sh [ROWS]   (default 10000000)
# 1. the demo's data (bills with commitments, job runs, GPU samples, inference usage) at ROWS billing rows, into
#    bench/out/recommend.duckdb; 2. bench/RecommendBench.java: the engine against team × model × day in the same run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. bin/lib/jdk.sh
find_jdk
rows="${1:-10000000}"
out="${BENCH_DIR:-$root/bench/out}"
mkdir -p "$out"
db="$out/recommend-$rows.duckdb"
if [ ! -f "$db" ]; then
  echo "== demo data, $rows billing rows"
  /usr/bin/time -f "generate + import: %e s, peak RSS %M KB" bin/burnrate demo --no-serve --rows "$rows" --db "$db"
fi
echo "== recommendations"
java --enable-native-access=ALL-UNNAMED -cp "$root/target/classes:$root/target/lib/*" bench/RecommendBench.java "$db"
