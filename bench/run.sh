#!/usr/bin/env bash
# Import and query benchmark (issue: foundation). Usage: bench/run.sh [ROWS]   (default 5000000)
# 1. generate a ROWS-row FOCUS 1.2 CSV; 2. time `burnrate import` and, in the same run, a plain DuckDB
# CREATE TABLE AS SELECT * FROM read_csv of the same file (the reference); 3. import a second file of other
# billing periods (2 × ROWS rows in the ledger); 4. time team × model × day and other reports;
# 5. serve the ledger, query it over HTTP and read the server's resident memory.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. bin/lib/jdk.sh
find_jdk
rows="${1:-5000000}"
out="${BENCH_DIR:-$root/bench/out}"
mkdir -p "$out"
rm -f "$out"/*.duckdb "$out"/*.duckdb.wal
bin/burnrate --version >/dev/null
cp="$root/target/classes:$root/target/lib/*"
jopts="--enable-native-access=ALL-UNNAMED"

echo "== generate $rows rows (x2)"
[ -f "$out/a.csv" ] && [ "$(($(wc -l <"$out/a.csv") - 1))" = "$rows" ] || bin/burnrate generate focus --rows "$rows" --out "$out/a.csv" --seed 1 --start 2026-08-01 --days 90
[ -f "$out/b.csv" ] && [ "$(($(wc -l <"$out/b.csv") - 1))" = "$rows" ] || bin/burnrate generate focus --rows "$rows" --out "$out/b.csv" --seed 2 --start 2026-05-01 --days 90
ls -la "$out"/a.csv "$out"/b.csv

echo "== reference: DuckDB CREATE TABLE AS SELECT * FROM read_csv"
ref=$( { /usr/bin/time -f "%e %M" java $jopts -cp "$cp" bench/ReferenceLoad.java "$out/a.csv" "$out/ref.duckdb" ; } 2>&1 )
echo "$ref"
ref_s=$(echo "$ref" | tail -1 | cut -d' ' -f1)

echo "== burnrate import focus"
imp=$( { /usr/bin/time -f "%e %M" bin/burnrate --db "$out/ledger.duckdb" import focus "$out/a.csv" ; } 2>&1 )
echo "$imp"
imp_s=$(echo "$imp" | tail -1 | cut -d' ' -f1)
imp_kb=$(echo "$imp" | tail -1 | cut -d' ' -f2)
awk -v r="$rows" -v i="$imp_s" -v f="$ref_s" -v m="$imp_kb" 'BEGIN {
  printf "import: %d rows in %.2f s = %.0f rows/s (incl. JVM start); reference %.2f s = %.0f rows/s; ratio %.2fx; peak RSS %.0f MB\n", r, i, r/i, f, r/f, i/f, m/1024 }'

echo "== second file (other billing periods): ledger of $((2 * rows)) rows"
/usr/bin/time -f "%e s, peak RSS %M KB" bin/burnrate --db "$out/ledger.duckdb" import focus "$out/b.csv" | tail -1

echo "== reports (warm, in process)"
/usr/bin/time -f "query bench peak RSS %M KB" java $jopts -cp "$cp" bench/QueryBench.java "$out/ledger.duckdb"
echo "== CLI: costs --by team,model --granularity day (one process, incl. JVM start)"
/usr/bin/time -f "%e s" bin/burnrate --db "$out/ledger.duckdb" costs --by team,model --granularity day --format csv | tail -1

echo "== serve: resident memory of the server after queries"
port=18080
bin/burnrate --db "$out/ledger.duckdb" serve --port $port >"$out/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for i in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
for q in "groupBy=team,model&granularity=day" "groupBy=ServiceName&granularity=month&basis=billed" "groupBy=team" ; do
  for i in 1 2 3; do curl -fs -o /dev/null -w "GET /api/v1/costs?$q  %{http_code} %{time_total}s\n" "http://127.0.0.1:$port/api/v1/costs?$q"; done
done
jpid=$(pgrep -P $pid java || echo $pid)
grep -E "VmRSS|VmHWM" /proc/$jpid/status
kill $pid; wait $pid 2>/dev/null || true
