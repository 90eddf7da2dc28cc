#!/usr/bin/env bash
# The ledger at scale (issue #17). Usage: bench/ledger-scale.sh [ROWS] [BASE]   (default 10000000 rows, base 1000000)
# 1. generate ROWS FOCUS 1.2 rows as Parquet parts: `burnrate generate focus` writes BASE rows (93 days up to yesterday)
#    as CSV once, bench/LedgerScaleGen.java types them and writes ROWS/BASE parts, one billing account each (a CSV of
#    100 M rows at ~840 bytes a row would not fit the disk);
# 2. for each layout, in the same run: the ledger file's table (the embedded default, the reference) and Parquet
#    partitions in a directory (BURNRATE_LEDGER): `burnrate import focus` of every part in one command (time, peak RSS),
#    disk used, then `burnrate serve`: the dashboard overview's API calls, team x model x day, a report the rollups
#    cannot answer, each three times (first, then warm), and the server's VmHWM.
# LAYOUTS=parquet runs one layout only (a quick check); figures that compare the two come from one run of both.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. bin/lib/jdk.sh
find_jdk
rows="${1:-10000000}"
base="${2:-1000000}"
copies=$(( rows / base ))
out="${BENCH_DIR:-$root/bench/out}/ledger-scale"
mkdir -p "$out"
bin/burnrate --version >/dev/null
cp="$root/target/classes:$root/target/lib/*"
jopts="--enable-native-access=ALL-UNNAMED"
today=$(date -u +%F)
start=$(date -u -d "$today - 93 days" +%F)

echo "== generate $rows rows: $copies parts of $base (billing accounts), $start .. $today"
parts="$out/parts-$rows"
if [ "$(ls "$parts"/part-*.parquet 2>/dev/null | wc -l)" != "$copies" ]; then
  rm -rf "$parts"
  [ -f "$out/base-$base.csv" ] || bin/burnrate generate focus --rows "$base" --out "$out/base-$base.csv" --seed 7 --start "$start" --days 93
  java $jopts -cp "$cp" bench/LedgerScaleGen.java "$out/base-$base.csv" "$parts" "$copies"
fi
du -sh "$parts"

port=18090
for layout in ${LAYOUTS:-table parquet}; do
  db="$out/$layout.duckdb"
  dir="$out/$layout-ledger"
  rm -rf "$db" "$db.wal" "$db.audit-journal" "$dir"
  env=()
  [ "$layout" = parquet ] && env=(BURNRATE_LEDGER="$dir") && mkdir -p "$dir"   # Burnrate never creates it
  echo "== [$layout] import $rows rows ($copies files, one command)"
  r=$( { env "${env[@]}" /usr/bin/time -f "%e %M" bin/burnrate --db "$db" import focus "$parts"/part-*.parquet >"$out/$layout-import.log" ; } 2>&1 | tail -1 )
  secs=${r% *}; kb=${r#* }
  awk -v n="$rows" -v s="$secs" -v m="$kb" -v l="$layout" 'BEGIN { printf "[%s] import: %.1f s = %.0f rows/s (JVM start included), peak RSS %.0f MB\n", l, s, n/s, m/1024 }'
  tail -2 "$out/$layout-import.log"
  echo "[$layout] on disk: file $(du -sh "$db" | cut -f1)$( [ -d "$dir" ] && echo ", directory $(du -sh "$dir" | cut -f1) (rollups $(find "$dir" -name '*.daily.parquet' -printf '%s\n' | awk '{s+=$1} END {printf "%.1f MB", s/1e6}'))" )"

  echo "== [$layout] serve"
  env "${env[@]}" bin/burnrate --db "$db" serve --port $port >"$out/$layout-serve.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for i in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
  month=$(date -u +%Y-%m-01)
  d60=$(date -u -d "$today - 60 days" +%F)
  d30=$(date -u -d "$today - 30 days" +%F)
  # the overview's calls (web/app.js pages.overview), then team x model x day, then one the rollups cannot answer
  for q in "costs?from=$month" "costs?granularity=day&from=$d60" "coverage" "costs?groupBy=team&from=$month" "costs?groupBy=model&from=$month" \
           "costs?groupBy=ServiceName&from=$month" "forecast?horizon=30" "anomalies?from=$d30" "unit-costs" "inference-costs?from=$month" \
           "costs?groupBy=team,model&granularity=day" "costs?groupBy=SkuId&granularity=day&from=$month"; do
    t=""
    for i in 1 2 3; do t="$t $(curl -s -o /dev/null -w "%{http_code}:%{time_total}" "http://127.0.0.1:$port/api/v1/$q" || true)"; done
    echo "[$layout] GET /api/v1/$q  $t"
  done
  jpid=$(pgrep -P $pid java || echo $pid)
  echo "[$layout] serve memory: $(grep -E 'VmHWM' /proc/$jpid/status | tr -s ' ')"
  kill $pid; wait $pid 2>/dev/null || true
done
